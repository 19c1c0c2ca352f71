import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertNoLeak, discardStep, readStepStats, SeededRng, tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, conv2d, dense, maxWeightChange, ParamStore, snapshotWeights, WeightAverage } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

describe('parameters', () => {
  it('one seed gives identical weights; another seed does not', async () => {
    const make = async (seed: number) => {
      const store = new ParamStore(new SeededRng(seed));
      dense(store, 'fc', 10, 4);
      conv2d(store, 'conv', { kernel: 3, inChannels: 2, outChannels: 5 });
      const values = await snapshotWeights(store.variables());
      store.dispose();
      return values;
    };
    expect(await make(1)).toEqual(await make(1));
    expect(await make(1)).not.toEqual(await make(2));
  });

  it('saves and loads a checkpoint exactly, refusing a mismatched model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'curtain-nn-'));
    const a = new ParamStore(new SeededRng(1));
    dense(a, 'fc', 6, 3);
    await a.save(dir);
    const b = new ParamStore(new SeededRng(2));
    dense(b, 'fc', 6, 3);
    b.load(dir);
    expect(await snapshotWeights(b.variables())).toEqual(await snapshotWeights(a.variables()));
    const c = new ParamStore(new SeededRng(2));
    dense(c, 'fc', 6, 4);
    expect(() => c.load(dir)).toThrow(/'fc\/w' has shape 6x3, model expects 6x4/);
    expect(() => c.load(path.join(dir, 'nope'))).toThrow(/not a checkpoint/);
    for (const s of [a, b, c]) s.dispose();
  });
});

describe('Adam', () => {
  it('matches a hand-written Adam on a quadratic and leaks nothing', () => {
    const store = new ParamStore(new SeededRng(0));
    const w = store.create('w', [3], { normal: 1 });
    const start = Array.from(w.dataSync());
    const adam = new Adam([w], { learningRate: 0.1 });
    // reference: loss = sum(w^2), grad = 2w
    const ref = [...start];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    for (let t = 1; t <= 5; t++) {
      const stats = assertNoLeak('adam step', () => adam.step(() => tf.sum(tf.square(w)) as tf.Scalar), 1);
      expect(Object.keys(stats)).toEqual(['loss']);
      const loss = stats.loss.dataSync()[0];
      stats.loss.dispose();
      expect(loss).toBeCloseTo(
        ref.reduce((s, x) => s + x * x, 0),
        4,
      );
      for (let i = 0; i < 3; i++) {
        const g = 2 * ref[i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        v[i] = 0.999 * v[i] + 0.001 * g * g;
        ref[i] -= (0.1 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      }
    }
    const got = Array.from(w.dataSync());
    got.forEach((x, i) => {
      expect(x).toBeCloseTo(ref[i], 4);
    });
    adam.dispose();
    store.dispose();
  });

  it('returns the loss and recorded statistics as scalars for the caller to read, without reading them back', async () => {
    const store = new ParamStore(new SeededRng(0));
    const w = store.create('w', [2], 'ones');
    const adam = new Adam([w], { learningRate: 0.01 });
    const before = await snapshotWeights([w]);
    const tensors = adam.step((record) => {
      const loss = tf.sum(w) as tf.Scalar;
      record('double', tf.mul(loss, 2) as tf.Scalar);
      return loss;
    });
    expect(await maxWeightChange(before, [w])).toBeGreaterThan(0);
    expect(await readStepStats(tensors)).toEqual({ loss: 2, double: 4 });
    expect(tensors.loss.isDisposed && tensors.double.isDisposed).toBe(true);
    adam.dispose();
    store.dispose();
  });
});

describe('WeightAverage', () => {
  it('averages trained weights only (debiased) and swaps them in only during the call', async () => {
    const store = new ParamStore(new SeededRng(0));
    const w = store.create('w', [2], 'zeros');
    const ema = new WeightAverage([w], 0.5);
    expect(ema.withAverage(() => Array.from(w.dataSync()))).toEqual([0, 0]);
    w.assign(tf.tensor1d([2, 4]));
    ema.update();
    expect(ema.withAverage(() => Array.from(w.dataSync()))).toEqual([2, 4]);
    w.assign(tf.tensor1d([4, 8]));
    ema.update();
    // raw 0.5*[1,2] + 0.5*[4,8] = [2.5, 5], divided by 1 - 0.5^2
    const inside = ema.withAverage(() => Array.from(w.dataSync()));
    expect(inside[0]).toBeCloseTo(10 / 3, 5);
    expect(inside[1]).toBeCloseTo(20 / 3, 5);
    expect(Array.from(w.dataSync())).toEqual([4, 8]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'curtain-ema-'));
    await ema.save(dir);
    const again = new WeightAverage([w], 0.5);
    again.load(dir);
    expect(again.withAverage(() => Array.from(w.dataSync()))).toEqual(inside);
    for (const e of [ema, again]) e.dispose();
    store.dispose();
  });

  it('leaves no tensors behind once a model is built and disposed', () => {
    const before = tf.memory().numTensors;
    const store = new ParamStore(new SeededRng(0));
    const layer = dense(store, 'fc', 4, 3);
    const adam = new Adam(store.variables(), { learningRate: 0.1 });
    const ema = new WeightAverage(store.variables(), 0.9);
    const x = tf.ones([2, 4]) as tf.Tensor2D;
    discardStep(adam.step(() => tf.sum(layer.apply(x)) as tf.Scalar));
    ema.update();
    ema.withAverage(() => tf.tidy(() => layer.apply(x).dataSync()));
    x.dispose();
    adam.dispose();
    ema.dispose();
    store.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
