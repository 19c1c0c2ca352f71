// One seed makes two fresh runs of every paradigm produce identical weights,
// batches and samples on the same backend; another seed does not. This is
// checked end to end rather than assumed: tfjs initialisers have ignored seeds
// in some versions, so every paradigm draws its randomness from SeededRng.
import { readStepStats, type tf } from '@curtain/core';
import { BatchStream, loadSynthetic } from '@curtain/data';
import { snapshotWeights } from '@curtain/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARADIGMS } from '../src/index.ts';
import { trainingBackend } from './contract.ts';

const SHAPE = { height: 8, width: 8, channels: 1 };
const TINY = { width: 4, depth: 1, batchSize: 4 };
const dataset = loadSynthetic({ count: 32, size: 8, seed: 4 });

beforeAll(async () => {
  // the same backend for both runs: the fastest available, so the test stays cheap
  await trainingBackend();
});

async function run(variant: string, seed: number): Promise<{ weights: Float32Array[]; batch: Float32Array; samples: Float32Array }> {
  const entry = PARADIGMS[variant];
  const model = entry.create(TINY as never, SHAPE, seed);
  const stream = new BatchStream(dataset.train, TINY.batchSize, seed);
  let lastBatch: tf.Tensor4D | undefined;
  try {
    for (let step = 0; step < 2; step++) {
      lastBatch?.dispose();
      lastBatch = stream.next();
      await readStepStats(model.trainStep(lastBatch));
    }
    const images = await model.sample(2, {
      seed,
      ...entry.samplers[0].options,
      ...(variant === 'ddpm' ? { sampler: 'ddim', steps: 2 } : {}),
    });
    const samples = Float32Array.from((await images.data()) as Float32Array);
    images.dispose();
    return {
      weights: await snapshotWeights(model.variables()),
      batch: Float32Array.from((await lastBatch!.data()) as Float32Array),
      samples,
    };
  } finally {
    lastBatch?.dispose();
    model.dispose();
  }
}

describe('seeding', () => {
  for (const variant of Object.keys(PARADIGMS)) {
    it(`${variant}: same seed, same weights, batches and samples; another seed differs`, async () => {
      const a = await run(variant, 7);
      const b = await run(variant, 7);
      const c = await run(variant, 8);
      expect(b.batch).toEqual(a.batch);
      expect(b.weights).toEqual(a.weights);
      expect(b.samples).toEqual(a.samples);
      expect(c.weights).not.toEqual(a.weights);
      expect(c.batch).not.toEqual(a.batch);
    });
  }
});
