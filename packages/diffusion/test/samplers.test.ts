import { tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddimSteps, type EpsModel, makeSchedule, sampleDdim, sampleDdpm } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

// Data x0 ~ N(mu, sd^2) per pixel: the optimal noise predictor is analytic,
// E[eps | x_t] = b (x_t - a mu) / (a^2 sd^2 + b^2) with a = sqrt(aBar_t), b = sqrt(1 - aBar_t).
const [mu, sd] = [0.3, 0.4];
function gaussianEps(schedule: ReturnType<typeof makeSchedule>, calls: { count: number }): EpsModel {
  return (x, t) =>
    tf.tidy(() => {
      calls.count += 1;
      const a = Math.sqrt(schedule.alphaBar[t]);
      const b = Math.sqrt(1 - schedule.alphaBar[t]);
      return tf.mul(tf.sub(x, a * mu), b / (a * a * sd * sd + b * b)) as tf.Tensor4D;
    });
}

function meanVar(t: tf.Tensor): [number, number] {
  const { mean, variance } = tf.moments(t);
  const out: [number, number] = [mean.dataSync()[0], variance.dataSync()[0]];
  tf.dispose([mean, variance]);
  return out;
}

describe('samplers', () => {
  const schedule = makeSchedule('cosine', 10);
  const shape = [2000, 2, 2, 1];

  it('DDIM with eta = 1 and S = T follows the same marginal as DDPM', () => {
    const calls = { count: 0 };
    const eps = gaussianEps(schedule, calls);
    const ddpm = sampleDdpm(schedule, eps, shape, { seed: 1, clip: false });
    const ddim = sampleDdim(schedule, eps, shape, { seed: 2, clip: false, steps: 10, eta: 1 });
    const [m1, v1] = meanVar(ddpm);
    const [m2, v2] = meanVar(ddim);
    // 8000 values each: standard error of a mean ~ 0.0045, of a variance ~ 0.0025
    expect(Math.abs(m1 - m2)).toBeLessThan(0.03);
    expect(Math.abs(v1 - v2)).toBeLessThan(0.02);
    // both recover the data mean the stub encodes (the spread is not exact at
    // T = 10: the reverse variance beta-tilde omits the x0 uncertainty term)
    expect(Math.abs(m1 - mu)).toBeLessThan(0.05);
    expect(Math.sqrt(v1)).toBeLessThan(sd + 0.05);
    tf.dispose([ddpm, ddim]);
  });

  it('DDIM with eta = 1 and S = T is the DDPM update itself (same noise, same path)', () => {
    const calls = { count: 0 };
    const eps = gaussianEps(schedule, calls);
    for (const clip of [false, true]) {
      const ddpm = sampleDdpm(schedule, eps, [64, 2, 2, 1], { seed: 9, clip });
      const ddim = sampleDdim(schedule, eps, [64, 2, 2, 1], { seed: 9, clip, steps: 10, eta: 1 });
      const gap = tf.max(tf.abs(tf.sub(ddpm, ddim)));
      expect(gap.dataSync()[0]).toBeLessThan(1e-4);
      tf.dispose([ddpm, ddim, gap]);
    }
  });

  it('DDIM with eta = 0 is deterministic given x_T and differs from eta = 1', () => {
    const eps = gaussianEps(schedule, { count: 0 });
    const a = sampleDdim(schedule, eps, [32, 2, 2, 1], { seed: 4, clip: false, steps: 5, eta: 0 });
    const b = sampleDdim(schedule, eps, [32, 2, 2, 1], { seed: 4, clip: false, steps: 5, eta: 0 });
    const c = sampleDdim(schedule, eps, [32, 2, 2, 1], { seed: 4, clip: false, steps: 5, eta: 1 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([a, b, c]);
  });

  it('DDIM with S < T evaluates the network exactly S times; DDPM T times', () => {
    for (const S of [1, 3, 7, 10]) {
      const calls = { count: 0 };
      const x = sampleDdim(schedule, gaussianEps(schedule, calls), [4, 2, 2, 1], { seed: 1, clip: true, steps: S, eta: 0 });
      expect(calls.count).toBe(S);
      x.dispose();
    }
    const calls = { count: 0 };
    sampleDdpm(schedule, gaussianEps(schedule, calls), [4, 2, 2, 1], { seed: 1, clip: true }).dispose();
    expect(calls.count).toBe(10);
  });

  it('DDIM visits S distinct descending steps from T', () => {
    for (const [T, S] of [
      [10, 3],
      [200, 50],
      [200, 200],
      [7, 1],
    ]) {
      const steps = ddimSteps(T, S);
      expect(steps.length).toBe(S);
      expect(steps[0]).toBe(T);
      for (let i = 1; i < S; i++) expect(steps[i]).toBeLessThan(steps[i - 1]);
      expect(steps[S - 1]).toBeGreaterThanOrEqual(1);
    }
    expect(() => ddimSteps(10, 11)).toThrow(/1\.\.10/);
  });

  it('samplers leak no tensors', () => {
    const eps = gaussianEps(schedule, { count: 0 });
    const before = tf.memory().numTensors;
    sampleDdpm(schedule, eps, [4, 2, 2, 1], { seed: 1, clip: true }).dispose();
    sampleDdim(schedule, eps, [4, 2, 2, 1], { seed: 1, clip: true, steps: 4, eta: 0.5 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
