import { SeededRng, tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule, qSample, qStep } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

function meanVar(t: tf.Tensor): [number, number] {
  const { mean, variance } = tf.moments(t);
  const out: [number, number] = [mean.dataSync()[0], variance.dataSync()[0]];
  tf.dispose([mean, variance]);
  return out;
}

describe('noise schedules', () => {
  for (const kind of ['linear', 'cosine'] as const) {
    it(`${kind}: betas in (0, 1), alphaBar decreasing from 1 towards 0`, () => {
      const s = makeSchedule(kind, 200);
      expect(s.alphaBar[0]).toBe(1);
      for (let t = 1; t <= s.T; t++) {
        expect(s.beta[t]).toBeGreaterThan(0);
        expect(s.beta[t]).toBeLessThan(1);
        expect(s.alphaBar[t]).toBeLessThan(s.alphaBar[t - 1]);
        expect(s.posteriorVariance[t]).toBeLessThanOrEqual(s.beta[t] + 1e-12);
      }
      expect(s.alphaBar[s.T]).toBeLessThan(0.01);
    });
  }

  it('rejects an unknown schedule and a too-small T', () => {
    expect(() => makeSchedule('quadratic' as never, 10)).toThrow(/linear' or 'cosine/);
    expect(() => makeSchedule('cosine', 1)).toThrow(/timesteps/);
  });
});

describe('q(x_t | x_0)', () => {
  it('one-shot sampling matches iterated single-step noising in mean and variance', () => {
    const s = makeSchedule('linear', 10);
    const rng = new SeededRng(3);
    const n = 20000;
    const x0Value = 0.6;
    for (const t of [1, 4, 10]) {
      const x0 = tf.fill([n, 1, 1, 1], x0Value) as tf.Tensor4D;
      const noise = tf.randomNormal([n, 1, 1, 1], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor4D;
      const oneShot = qSample(s, x0, new Array(n).fill(t), noise);
      let iterated = x0.clone();
      for (let step = 1; step <= t; step++) {
        const z = tf.randomNormal([n, 1, 1, 1], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor4D;
        const next = qStep(s, iterated, step, z);
        tf.dispose([iterated, z]);
        iterated = next;
      }
      const [m1, v1] = meanVar(oneShot);
      const [m2, v2] = meanVar(iterated);
      const mean = Math.sqrt(s.alphaBar[t]) * x0Value;
      const variance = 1 - s.alphaBar[t];
      // standard errors at n = 20000: mean ~ 0.007 sd, variance ~ 0.01 * var
      expect(Math.abs(m1 - mean)).toBeLessThan(0.03);
      expect(Math.abs(m2 - mean)).toBeLessThan(0.03);
      expect(Math.abs(v1 - variance)).toBeLessThan(0.05 * variance + 1e-4);
      expect(Math.abs(v2 - variance)).toBeLessThan(0.05 * variance + 1e-4);
      tf.dispose([x0, noise, oneShot, iterated]);
    }
  });
});
