// Checkpoint resume for every registered paradigm, as one reusable suite:
// resume-every-paradigm.test.ts runs it on the fastest backend (or
// CURTAIN_BACKEND), resume-webgpu.test.ts on the webgpu software adapter.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finishStep, type GenerativeModel, tf } from '@curtain/core';
import { BatchStream, loadSynthetic } from '@curtain/data';
import { maxWeightChange, snapshotWeights } from '@curtain/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARADIGMS } from '../src/index.ts';

const SHAPE = { height: 8, width: 8, channels: 1 };
const TINY = { width: 4, depth: 1, batchSize: 4 };
const dataset = loadSynthetic({ count: 32, size: 8, seed: 2 });

/**
 * A model saved after two steps and loaded into a fresh one takes the same
 * third step as the original: weights, optimiser moments and step count,
 * EMA and random generators all come back (what checkpoint resume relies on).
 */
export function resumeSuite(activate: () => Promise<unknown>): void {
  beforeAll(async () => {
    await activate();
  });

  describe.each(Object.keys(PARADIGMS))('%s save/load restores the whole training state', (variant) => {
    it('the step after load equals the step after save; a fresh model does not', async () => {
      const entry = PARADIGMS[variant];
      const create = (): GenerativeModel => entry.create(TINY as never, SHAPE, 7);
      const stream = new BatchStream(dataset.train, TINY.batchSize, 1);
      const batches = [stream.next(), stream.next(), stream.next()];
      const dir = mkdtempSync(path.join(os.tmpdir(), `curtain-state-${variant}-`));
      const [original, restored, fresh] = [create(), create(), create()];
      try {
        // each step read back as the training loop reads it (the read feeds the models' health monitors)
        const step = (model: GenerativeModel, n: number) => finishStep(model, model.trainStep(batches[n - 1]), n, true);
        await step(original, 1);
        await step(original, 2);
        await original.save(dir);
        await step(original, 3);
        const after = await snapshotWeights(original.variables());
        await restored.load(dir);
        await step(restored, 3);
        expect(await maxWeightChange(after, restored.variables())).toBe(0);
        await step(fresh, 3);
        expect(await maxWeightChange(after, fresh.variables())).toBeGreaterThan(0);
        const sampler = entry.samplers[0].options;
        if (original.sampleCost({ seed: 0, ...sampler }).networkEvals <= 50) {
          const [a, b] = [await original.sample(4, { seed: 3, ...sampler }), await restored.sample(4, { seed: 3, ...sampler })];
          expect(Array.from(await b.data())).toEqual(Array.from(await a.data())); // EMA restored too
          tf.dispose([a, b]);
        }
      } finally {
        tf.dispose(batches);
        for (const model of [original, restored, fresh]) model.dispose();
      }
    }, 60_000);
  });
}
