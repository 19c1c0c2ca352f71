// The DDPM variational bound (Ho et al. 2020, eq. 5) in nats per image:
//   L = KL(q(x_T|x_0) || N(0, I)) + sum_{t=2..T} KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)) - log p(x_0|x_1),
// with p's variance the posterior variance (as the samplers use) and a
// discretised logistic decoder at t = 1 whose variance is beta_1.
// - prior (L_T): the closed-form KL, exact;
// - last (the t = T term of the sum) and decoder (t = 1): always evaluated,
//   never subsampled. Under a clipped schedule (beta_T = 0.999) the t = T term
//   weighs the eps error hundreds of times more than its neighbours, so a
//   stratified draw that lands on it and multiplies it by (T - 2) / K inflates
//   the bound several-fold;
// - middle (t = 2..T-1): a stratified Monte Carlo estimate over K timesteps
//   weighted by (T - 2) / K, which is unbiased; the caller passes a fresh seed
//   per call so errors average out over calls instead of repeating. K = 0 sums
//   every term. Each term uses one draw of the forward noise per image.
import { SeededRng, tf } from '@curtain/core';
import { discretizedLogisticNll, gaussianKl } from '@curtain/nn';
import { qSample } from './forward.ts';
import type { EpsModel } from './samplers.ts';
import type { NoiseSchedule } from './schedule.ts';

/** The bound's terms, nats per image (mean over the batch). */
export interface BoundTerms {
  /** KL(q(x_T | x_0) || N(0, I)), exact. */
  prior: number;
  /** The t = T term of the sum. */
  last: number;
  /** The terms t = 2..T-1 (estimated where K > 0). */
  middle: number;
  /** -log p(x_0 | x_1). */
  decoder: number;
  total: number;
}

/** The middle timesteps (2..T-1) whose terms are evaluated, and each term's weight. */
export function boundTimesteps(T: number, K: number, rng: SeededRng): { steps: number[]; weight: number } {
  const count = T - 2;
  if (K <= 0 || K >= count) return { steps: Array.from({ length: count }, (_, i) => i + 2), weight: 1 };
  const steps = Array.from({ length: K }, (_, k) => 2 + Math.floor(((k + rng.uniform()) * count) / K));
  return { steps, weight: count / K };
}

/**
 * The bound's terms on the device, each summed over the batch (nats): what
 * variationalBound reads back. The caller owns the scalars (readBound
 * disposes them).
 */
export interface BoundSums {
  batch: number;
  prior: tf.Scalar;
  last: tf.Scalar;
  /** One sum per evaluated middle timestep, each weighted by middleWeight. */
  middle: tf.Scalar[];
  middleWeight: number;
  decoder: tf.Scalar;
}

/**
 * Evaluates every term of the bound on x01 [B, H, W, C] in [0, 1] (8-bit
 * grid) without reading anything back, so it can run inside a weight swap
 * (the EMA) and be read after it.
 */
export function boundSums(s: NoiseSchedule, epsModel: EpsModel, x01: tf.Tensor4D, K: number, seed: number): BoundSums {
  const rng = new SeededRng(seed);
  const batch = x01.shape[0];
  const x0 = tf.tidy(() => tf.sub(tf.mul(x01, 2), 1) as tf.Tensor4D); // [B, H, W, C] in [-1, 1]
  const x0Hat = (t: number, noiseSeed: number) => {
    const noise = tf.randomNormal(x0.shape, 0, 1, 'float32', noiseSeed) as tf.Tensor4D;
    const xt = qSample(s, x0, new Array(batch).fill(t), noise); // [B, H, W, C]
    const eps = epsModel(xt, t);
    return tf.div(tf.sub(xt, tf.mul(eps, Math.sqrt(1 - s.alphaBar[t]))), Math.sqrt(s.alphaBar[t]));
  };
  const T = s.T;
  const prior = tf.tidy(
    () =>
      tf.sum(
        gaussianKl(tf.mul(x0, Math.sqrt(s.alphaBar[T])), tf.scalar(Math.log(1 - s.alphaBar[T])), tf.scalar(0), tf.scalar(0)),
      ) as tf.Scalar,
  );
  const klTerm = (t: number, noiseSeed: number) =>
    tf.tidy(() => {
      // posterior means differ by c0 (x0 - x0_hat); equal variances leave the squared difference
      const c0 = (Math.sqrt(s.alphaBar[t - 1]) * s.beta[t]) / (1 - s.alphaBar[t]);
      const diff = tf.mul(tf.sub(x0, x0Hat(t, noiseSeed)), c0);
      return tf.sum(tf.div(tf.square(diff), 2 * s.posteriorVariance[t])) as tf.Scalar;
    });
  const last = klTerm(T, rng.nextSeed());
  const decoderSeed = rng.nextSeed();
  const { steps, weight } = boundTimesteps(T, K, rng);
  const middle = steps.map((t) => klTerm(t, rng.nextSeed()));
  const decoder = tf.tidy(() => {
    const logScale = 0.5 * Math.log((3 * s.beta[1]) / Math.PI ** 2); // logistic variance = beta_1
    return tf.sum(discretizedLogisticNll(x01, x0Hat(1, decoderSeed), tf.scalar(logScale))) as tf.Scalar;
  });
  x0.dispose();
  return { batch, prior, last, middle, middleWeight: weight, decoder };
}

/** Reads BoundSums back in one transfer and disposes them: the mean of each term over the batch, nats per image. */
export async function readBound(sums: BoundSums): Promise<BoundTerms> {
  const scalars = [sums.prior, sums.last, sums.decoder, ...sums.middle];
  let values: Float32Array;
  try {
    const packed = tf.tidy(() => tf.stack(scalars));
    values = (await packed.data()) as Float32Array;
    packed.dispose();
  } finally {
    tf.dispose(scalars);
  }
  const perImage = (i: number) => values[i] / sums.batch;
  const [prior, last, decoder] = [perImage(0), perImage(1), perImage(2)];
  let middle = 0;
  for (let i = 0; i < sums.middle.length; i++) middle += sums.middleWeight * perImage(3 + i);
  return { prior, last, middle, decoder, total: prior + last + middle + decoder };
}

/** Mean over the batch of each bound term, nats per image. x01 [B, H, W, C] in [0, 1] on the 8-bit grid. */
export async function variationalBound(
  s: NoiseSchedule,
  epsModel: EpsModel,
  x01: tf.Tensor4D,
  K: number,
  seed: number,
): Promise<BoundTerms> {
  return readBound(boundSums(s, epsModel, x01, K, seed));
}
