import { SeededRng, tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { discretizedLogisticNll, gaussianKl, gaussianLogDensity } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

describe('likelihoods', () => {
  it('discretised logistic puts total mass 1 on the 256 levels', () => {
    for (const [mean, logScale] of [
      [0, -1],
      [0.7, -3],
      [-0.95, -2],
      [0.2, 0.5],
    ]) {
      const levels = tf.div(tf.range(0, 256), 255);
      const nll = discretizedLogisticNll(levels, tf.scalar(mean), tf.scalar(logScale));
      const total = tf.sum(tf.exp(tf.neg(nll))).dataSync()[0];
      expect(total).toBeCloseTo(1, 4);
      tf.dispose([levels, nll]);
    }
  });

  it('discretised logistic has finite gradients through every branch (trainable)', () => {
    tf.tidy(() => {
      const x = tf.div(tf.range(0, 256), 255).reshape([256, 1]);
      const mean = tf.tensor([[-1.2, -0.3, 0, 0.5, 0.99]]);
      const logScale = tf.tensor([[-8, -3, -1, 0, 1]]);
      const [dMean, dScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(discretizedLogisticNll(x, m, s)))([mean, logScale]);
      expect(dMean.dataSync().every(Number.isFinite)).toBe(true);
      expect(dScale.dataSync().every(Number.isFinite)).toBe(true);
    });
  });

  it('analytic Gaussian KL agrees with a Monte Carlo estimate', () => {
    const rng = new SeededRng(2);
    const [muQ, lvQ, muP, lvP] = [0.3, -0.5, -0.2, 0.4];
    const n = 200_000;
    const z = new Float32Array(n);
    for (let i = 0; i < n; i++) z[i] = muQ + Math.exp(lvQ / 2) * rng.normal();
    const zt = tf.tensor1d(z);
    const logQ = gaussianLogDensity(zt, tf.scalar(muQ), tf.scalar(lvQ));
    const logP = gaussianLogDensity(zt, tf.scalar(muP), tf.scalar(lvP));
    const monteCarlo = tf.mean(tf.sub(logQ, logP)).dataSync()[0];
    const analytic = gaussianKl(tf.scalar(muQ), tf.scalar(lvQ), tf.scalar(muP), tf.scalar(lvP)).dataSync()[0];
    expect(Math.abs(monteCarlo - analytic)).toBeLessThan(0.01);
    expect(analytic).toBeGreaterThan(0);
  });
});
