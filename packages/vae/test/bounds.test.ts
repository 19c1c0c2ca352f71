import { tf, useCpuBackend } from '@curtain/core';
import { gaussianLogDensity } from '@curtain/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelKls, PCVAE, VAE } from '../src/index.ts';
import { createTiny, tinyBatch, train } from './helpers.ts';

let batch: tf.Tensor4D;
beforeAll(async () => {
  await useCpuBackend();
  batch = tinyBatch(4);
});
afterAll(() => batch.dispose());

describe('KL terms', () => {
  it('the analytic KL of every level matches a Monte Carlo estimate from its posterior samples', async () => {
    const model = createTiny(PCVAE, { levels: 3 });
    await train(model, batch); // non-trivial priors at levels 1 and 2
    tf.tidy(() => {
      const pass = model.network.pass({ x: batch, seed: 5 });
      const analytic = levelKls(pass.levels).map((kl) => Array.from(kl.dataSync()));
      pass.levels.forEach((level, i) => {
        const muQ = level.muQ as tf.Tensor4D;
        const logVarQ = level.logVarQ as tf.Tensor4D;
        const samples = 4000;
        // z ~ q, conditioned on the same coarser latents; KL = E_q[log q - log p]
        const eps = tf.randomNormal([samples, ...muQ.shape], 0, 1, 'float32', 17 + i);
        const z = tf.add(muQ, tf.mul(tf.exp(tf.mul(logVarQ, 0.5)), eps));
        const logRatio = tf.sub(gaussianLogDensity(z, muQ, logVarQ), gaussianLogDensity(z, level.muP, level.logVarP));
        const monteCarlo = Array.from(tf.mean(tf.sum(logRatio, [2, 3, 4]), 0).dataSync()); // [B]
        analytic[i].forEach((kl, b) => {
          expect(kl).toBeGreaterThan(0);
          // 4000 samples: a few standard errors of a sum over 8 latent dims
          expect(Math.abs(monteCarlo[b] - kl)).toBeLessThan(0.05 * kl + 0.1);
        });
      });
    });
    model.dispose();
  });
});

describe('importance-weighted bound', () => {
  it('with k = 1 it averages to the ELBO; with k = 32 it is tighter', async () => {
    const model = createTiny(VAE);
    await train(model, batch, 3);
    // both are Monte Carlo estimates over the posterior noise: compare means over 40 seeds each
    const dims = 8 * 8;
    const elbos = Array.from({ length: 40 }, (_, s) =>
      tf.tidy(() => {
        const { recon, kls } = model.elboTerms(batch, 500 + s);
        return tf.mean(tf.addN([recon, ...kls])).dataSync()[0] / (dims * Math.LN2);
      }),
    );
    const single: number[] = [];
    for (let s = 0; s < 40; s++) single.push((await model.iwBitsPerDim(batch, 1, 100 + s)).value);
    const stats = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b) / xs.length;
      return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) };
    };
    const [e, w] = [stats(elbos), stats(single)];
    const mean = w.mean;
    expect(Math.abs(w.mean - e.mean)).toBeLessThan(4 * Math.sqrt((e.variance + w.variance) / 40) + 1e-3);
    const tight = (await model.iwBitsPerDim(batch, 32)).value;
    expect(tight).toBeLessThan(mean);
    model.dispose();
  });
});
