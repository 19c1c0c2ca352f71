// The DDPM variational bound (Ho et al. 2020, eq. 5) in nats per image:
//   L = KL(q(x_T|x_0) || N(0, I)) + sum_{t=2..T} KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)) - log p(x_0|x_1),
// with p's variance the posterior variance (as the samplers use) and a
// discretised logistic decoder at t = 1 whose variance is beta_1. The middle
// sum may be a stratified Monte Carlo estimate over K timesteps weighted by
// (T - 1) / K, which is unbiased; K = 0 sums every term.
import { SeededRng, tf } from '@curtain/core';
import { discretizedLogisticNll, gaussianKl } from '@curtain/nn';
import { qSample } from './forward.ts';
import type { EpsModel } from './samplers.ts';
import type { NoiseSchedule } from './schedule.ts';

export interface BoundTerms {
  prior: number;
  diffusion: number;
  decoder: number;
  total: number;
}

/** The timesteps (2..T) whose terms are evaluated, and each term's weight. */
export function boundTimesteps(T: number, K: number, rng: SeededRng): { steps: number[]; weight: number } {
  if (K <= 0 || K >= T - 1) return { steps: Array.from({ length: T - 1 }, (_, i) => i + 2), weight: 1 };
  const steps = Array.from({ length: K }, (_, k) => 2 + Math.floor(((k + rng.uniform()) * (T - 1)) / K));
  return { steps, weight: (T - 1) / K };
}

/** Mean over the batch of each bound term, nats per image. x01 [B, H, W, C] in [0, 1] on the 8-bit grid. */
export function variationalBound(s: NoiseSchedule, epsModel: EpsModel, x01: tf.Tensor4D, K: number, seed: number): BoundTerms {
  const rng = new SeededRng(seed);
  const batch = x01.shape[0];
  const perImage = (t: tf.Tensor) => tf.sum(t).dataSync()[0] / batch;
  const x0 = tf.tidy(() => tf.sub(tf.mul(x01, 2), 1) as tf.Tensor4D); // [B, H, W, C] in [-1, 1]
  const x0Hat = (t: number, noiseSeed: number) => {
    const noise = tf.randomNormal(x0.shape, 0, 1, 'float32', noiseSeed) as tf.Tensor4D;
    const xt = qSample(s, x0, new Array(batch).fill(t), noise); // [B, H, W, C]
    const eps = epsModel(xt, t);
    return tf.div(tf.sub(xt, tf.mul(eps, Math.sqrt(1 - s.alphaBar[t]))), Math.sqrt(s.alphaBar[t]));
  };
  const T = s.T;
  const prior = tf.tidy(() =>
    perImage(gaussianKl(tf.mul(x0, Math.sqrt(s.alphaBar[T])), tf.scalar(Math.log(1 - s.alphaBar[T])), tf.scalar(0), tf.scalar(0))),
  );
  const { steps, weight } = boundTimesteps(T, K, rng);
  let diffusion = 0;
  for (const t of steps) {
    const noiseSeed = rng.nextSeed();
    diffusion +=
      weight *
      tf.tidy(() => {
        // posterior means differ by c0 (x0 - x0_hat); equal variances leave the squared difference
        const c0 = (Math.sqrt(s.alphaBar[t - 1]) * s.beta[t]) / (1 - s.alphaBar[t]);
        const diff = tf.mul(tf.sub(x0, x0Hat(t, noiseSeed)), c0);
        return perImage(tf.div(tf.square(diff), 2 * s.posteriorVariance[t]));
      });
  }
  const decoderSeed = rng.nextSeed();
  const decoder = tf.tidy(() => {
    const logScale = 0.5 * Math.log((3 * s.beta[1]) / Math.PI ** 2); // logistic variance = beta_1
    return perImage(discretizedLogisticNll(x01, x0Hat(1, decoderSeed), tf.scalar(logScale)));
  });
  x0.dispose();
  return { prior, diffusion, decoder, total: prior + diffusion + decoder };
}
