// The contract every registered paradigm must keep, as one reusable vitest
// suite: contract.test.ts runs it for every entry of the registry, so a new
// paradigm is tested the moment it is registered.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  assertNoLeak,
  assertNoLeakAsync,
  type BackendInfo,
  discardStep,
  type GenerativeModel,
  type ParadigmEntry,
  readStepStats,
  tf,
} from '@curtain/core';
import { BatchStream, loadSynthetic } from '@curtain/data';
import { maxWeightChange, snapshotWeights } from '@curtain/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeBackends, selectBackend } from '../src/index.ts';

/**
 * CURTAIN_BACKEND, else native where its addon is built, else cpu: the
 * backends that train convolutions (wasm cannot), fastest first.
 */
export async function trainingBackend(): Promise<BackendInfo> {
  const requested = process.env.CURTAIN_BACKEND;
  return selectBackend(requested ?? ((await probeBackends()).native.available ? 'native' : 'cpu'));
}

export const CONTRACT_SHAPE = { height: 8, width: 8, channels: 1 };
/** A size every paradigm trains in well under a second on 8x8 images. */
export const CONTRACT_TINY = { width: 4, depth: 1, batchSize: 4 };

const dataset = loadSynthetic({ count: 32, size: 8, seed: 4 });

/** Training steps of the leak check (the bar: no leak over 1,000 steps of each paradigm). */
const LEAK_STEPS = 1000;

async function pixels(images: tf.Tensor4D): Promise<Float32Array> {
  return Float32Array.from((await images.data()) as Float32Array);
}

/**
 * Registers the contract tests of one paradigm: a train step changes the
 * weights, returns finite statistics and leaks nothing; 1,000 train steps leak
 * nothing; evaluation, sampling and the health check change no weight and leak
 * nothing; samples are [n, H, W, C] in [0, 1] and the same for the same seed;
 * save/load round-trips.
 */
export function paradigmContract(entry: ParadigmEntry, before: () => Promise<unknown>): void {
  describe(`${entry.variant}: the paradigm contract`, () => {
    let model: GenerativeModel;
    let stream: BatchStream;

    beforeAll(async () => {
      await before();
      model = entry.create(CONTRACT_TINY, CONTRACT_SHAPE, 7);
      stream = new BatchStream(dataset.train, CONTRACT_TINY.batchSize, 7);
    });
    afterAll(() => model.dispose());

    it('names its variant and family, and its sizes include the reference size', () => {
      expect(model.variant).toBe(entry.variant);
      expect(model.family).toBe(entry.family);
      expect(Object.isFrozen(entry.defaults)).toBe(true);
      expect(Object.keys(entry.sizes)).toContain(entry.referenceSize);
      expect(entry.samplers.length).toBeGreaterThan(0);
    });

    it('a train step changes the weights, leaks nothing but its statistics, and they read back finite', async () => {
      const batch = stream.next();
      const weights = await snapshotWeights(model.variables());
      const tensors = model.trainStep(batch);
      batch.dispose();
      expect(await maxWeightChange(weights, model.variables())).toBeGreaterThan(0);
      const stats = await assertNoLeakAsync('reading the step back', () => readStepStats(tensors), -Object.keys(tensors).length);
      expect(Object.keys(stats)).toContain('loss');
      for (const value of Object.values(stats)) expect(Number.isFinite(value)).toBe(true);
      const again = stream.next();
      const count = assertNoLeak('trainStep', () => Object.keys(model.trainStep(again)).length, Object.keys(tensors).length);
      expect(count).toBe(Object.keys(tensors).length);
      again.dispose();
    });

    it(`${LEAK_STEPS} train steps (statistics read back every 100, as the study's loop does) leak no tensor and no backend memory`, async () => {
      // warm up: optimiser slots and any lazily built state exist after the first steps
      for (let i = 0; i < 3; i++) {
        const batch = stream.next();
        await readStepStats(model.trainStep(batch));
        batch.dispose();
      }
      const { numTensors, numBytes } = tf.memory();
      for (let step = 1; step <= LEAK_STEPS; step++) {
        const batch = stream.next();
        const tensors = model.trainStep(batch);
        batch.dispose();
        if (step % 100 === 0) await readStepStats(tensors);
        else discardStep(tensors);
      }
      expect(tf.memory().numTensors - numTensors).toBe(0);
      expect(tf.memory().numBytes - numBytes).toBe(0);
    });

    it('evaluation, sampling and the health check change no weight and leak nothing; samples are seeded images in [0, 1]', async () => {
      const weights = await snapshotWeights(model.variables());
      const batch = stream.next();
      if (model.bitsPerDim) {
        const bpd = await assertNoLeakAsync('bitsPerDim', () => model.bitsPerDim!(batch));
        expect(Number.isFinite(bpd.value)).toBe(true);
        expect(['exact', 'bound']).toContain(bpd.kind);
      }
      batch.dispose();
      const options = { seed: 3, ...entry.samplers[0].options };
      const a = await assertNoLeakAsync('sample', () => model.sample(3, options), 1);
      const b = await model.sample(3, options);
      expect(a.shape).toEqual([3, CONTRACT_SHAPE.height, CONTRACT_SHAPE.width, CONTRACT_SHAPE.channels]);
      const values = await pixels(a);
      expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(await pixels(b)).toEqual(values);
      a.dispose();
      b.dispose();
      if (model.health) expect(['ok', 'collapsed']).toContain(await assertNoLeakAsync('health', () => model.health!()));
      expect(model.sampleCost(options).networkEvals).toBeGreaterThanOrEqual(1);
      expect(await maxWeightChange(weights, model.variables())).toBe(0);
    });

    it('save and load round-trip the weights (a fresh model with another seed samples the same)', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `contract-${entry.variant}-`));
      await model.save(dir);
      const other = entry.create(CONTRACT_TINY, CONTRACT_SHAPE, 99);
      try {
        await other.load(dir);
        const options = { seed: 5, ...entry.samplers[0].options };
        const [a, b] = [await model.sample(2, options), await other.sample(2, options)];
        expect(await pixels(b)).toEqual(await pixels(a));
        a.dispose();
        b.dispose();
      } finally {
        other.dispose();
      }
    });
  });
}
