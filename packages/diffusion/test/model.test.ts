import { assertNoLeakAsync, SeededRng, tf, trainSteps, useCpuBackend } from '@curtain/core';
import { BatchStream, loadSynthetic } from '@curtain/data';
import { maxWeightChange, snapshotWeights } from '@curtain/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundTimesteps, DDPM, type DdpmModel, type DdpmSampleOptions, qSample } from '../src/index.ts';

const shape = { height: 8, width: 8, channels: 1 };
const tiny = { width: 4, depth: 1, timesteps: 20, batchSize: 16, boundTimesteps: 0 };
const data = loadSynthetic({ count: 64, size: 8, seed: 1 });
let model: DdpmModel;

beforeAll(async () => {
  await useCpuBackend();
  model = DDPM.create(tiny, shape, 7) as DdpmModel;
});
afterAll(() => model.dispose());

describe('DDPM entry', () => {
  it('the first sampler is ancestral DDPM; bad geometry and keys are refused', async () => {
    expect(DDPM.samplers[0].options.sampler).toBe('ddpm');
    expect(() => DDPM.create({ width: 4 }, { height: 6, width: 6, channels: 1 }, 1)).toThrow(/divisible by 4/);
    expect(() => DDPM.create({ widht: 4 } as never, shape, 1)).toThrow(/unknown key/);
  });

  it('default size at 28x28 has a modest parameter count', async () => {
    const m = DDPM.create({}, { height: 28, width: 28, channels: 1 }, 1) as DdpmModel;
    expect(m.parameterCount()).toBeGreaterThan(10_000);
    expect(m.parameterCount()).toBeLessThan(200_000);
    m.dispose();
  });
});

describe('DdpmModel', () => {
  it('sampling (both samplers) is deterministic per seed, in [0, 1], leak-free, and does not change weights', async () => {
    const before = await snapshotWeights(model.variables());
    const settings: Omit<DdpmSampleOptions, 'seed'>[] = [
      { sampler: 'ddpm' },
      { sampler: 'ddim', steps: 5, eta: 0 },
      { sampler: 'ddim', steps: 4, eta: 1 },
    ];
    for (const options of settings) {
      const evalsBefore = model.networkEvaluations;
      const a = await assertNoLeakAsync('sample', () => model.sample(3, { seed: 5, ...options }), 1);
      expect(model.networkEvaluations - evalsBefore).toBe(model.sampleCost({ seed: 5, ...options }).networkEvals);
      const b = await model.sample(3, { seed: 5, ...options });
      expect(a.shape).toEqual([3, 8, 8, 1]);
      const values = a.dataSync();
      for (const v of values) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(Array.from(b.dataSync())).toEqual(Array.from(values));
      tf.dispose([a, b]);
    }
    expect(model.sampleCost({ seed: 0 }).networkEvals).toBe(20);
    expect(model.sampleCost({ seed: 0, sampler: 'ddim', steps: 7 }).networkEvals).toBe(7);
    expect(await maxWeightChange(before, model.variables())).toBe(0);
  });

  it('bitsPerDim is a finite positive bound, leak-free, and does not change weights', async () => {
    const batch = new BatchStream(data.heldOut, 8, 2).next();
    const before = await snapshotWeights(model.variables());
    const full = await assertNoLeakAsync('bitsPerDim', () => model.bitsPerDim(batch, 0, 77));
    expect(full.kind).toBe('bound');
    expect(Number.isFinite(full.value)).toBe(true);
    expect(full.value).toBeGreaterThan(0);
    const terms = full.terms as Record<string, number>;
    expect(Object.values(terms).reduce((a, b) => a + b, 0)).toBeCloseTo(full.value, 9);
    // the prior, t = T and t = 1 terms are never subsampled: a 5-term estimate has them exactly
    const estimate = await model.bitsPerDim(batch, 5, 77);
    expect(Number.isFinite(estimate.value)).toBe(true);
    for (const key of ['prior', 't=T', 't=1 decoder']) expect(estimate.terms?.[key]).toBe(terms[key]);
    // K >= T - 2 is the full sum
    expect((await model.bitsPerDim(batch, 18, 77)).value).toBeCloseTo(full.value, 6);
    // without a seed each call draws fresh strata and noise, reproducibly per model seed
    const [a, b] = [(await model.bitsPerDim(batch, 5)).value, (await model.bitsPerDim(batch, 5)).value];
    expect(a).not.toBe(b);
    expect(await maxWeightChange(before, model.variables())).toBe(0);
    batch.dispose();
  });

  it('the Monte Carlo timesteps give every term weight 1 in expectation (unbiased)', async () => {
    const rng = new SeededRng(8);
    const [T, K, draws] = [20, 5, 20000];
    const weightOf = new Float64Array(T + 1);
    for (let i = 0; i < draws; i++) {
      const { steps, weight } = boundTimesteps(T, K, rng);
      expect(steps.length).toBe(K);
      for (const t of steps) weightOf[t] += weight / draws;
    }
    // the middle terms only: t = 1 and t = T are evaluated apart, every call
    expect(weightOf[0] + weightOf[1] + weightOf[T]).toBe(0);
    for (let t = 2; t < T; t++) expect(Math.abs(weightOf[t] - 1)).toBeLessThan(0.06);
    expect(boundTimesteps(T, 0, rng).steps).toEqual(Array.from({ length: T - 2 }, (_, i) => i + 2));
  });

  it('a briefly trained tiny model predicts the noise better than predicting zero', async () => {
    // the stock cpu backend's Conv2DBackpropFilter is slow: keep this to a few small steps
    const m = DDPM.create({ ...tiny, learningRate: 1e-2 }, shape, 3) as DdpmModel;
    const stream = new BatchStream(data.train, 8, 3);
    await trainSteps(m, { from: 0, to: 25, nextBatch: () => stream.next() });
    const rng = new SeededRng(11);
    const x01 = new BatchStream(data.heldOut, 16, 4).next();
    const [modelMse, zeroMse] = tf.tidy(() => {
      const x0 = tf.sub(tf.mul(x01, 2), 1) as tf.Tensor4D;
      let model = 0;
      let zero = 0;
      for (const t of [3, 8, 14, 20]) {
        const noise = tf.randomNormal(x0.shape, 0, 1, 'float32', rng.nextSeed()) as tf.Tensor4D;
        const xt = qSample(m.schedule, x0, new Array(16).fill(t), noise);
        model += tf.mean(tf.square(tf.sub(m.epsModel(xt, t), noise))).dataSync()[0];
        zero += tf.mean(tf.square(noise)).dataSync()[0];
      }
      return [model, zero];
    });
    expect(modelMse).toBeLessThan(0.8 * zeroMse);
    x01.dispose();
    m.dispose();
  });
});
