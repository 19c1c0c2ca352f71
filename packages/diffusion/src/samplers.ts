// Reverse processes: ancestral DDPM (Ho et al. 2020, https://arxiv.org/abs/2006.11239, Alg. 2)
// over all T steps, and DDIM (Song et al. 2021, https://arxiv.org/abs/2010.02502, eq. 12)
// over S evenly spaced steps with stochasticity eta. Both work in [-1, 1] space.
import { SeededRng, tf, UsageError } from '@curtain/core';
import type { NoiseSchedule } from './schedule.ts';

/** The noise predictor at one step t (1..T) for a whole batch: [B, H, W, C] -> [B, H, W, C]. */
export type EpsModel = (x: tf.Tensor4D, t: number) => tf.Tensor4D;

export interface ReverseOptions {
  seed: number;
  /** Clip the predicted x0 to [-1, 1] (and re-derive eps from it). */
  clip: boolean;
}

/** x0 estimate from x_t and eps, optionally clipped; returns [x0, eps consistent with x0]. */
function predictX0(s: NoiseSchedule, x: tf.Tensor4D, eps: tf.Tensor4D, t: number, clip: boolean): [tf.Tensor4D, tf.Tensor4D] {
  const [a, b] = [Math.sqrt(s.alphaBar[t]), Math.sqrt(1 - s.alphaBar[t])];
  const x0 = tf.div(tf.sub(x, tf.mul(eps, b)), a) as tf.Tensor4D; // [B, H, W, C]
  if (!clip) return [x0, eps];
  const clipped = tf.clipByValue(x0, -1, 1) as tf.Tensor4D;
  return [clipped, tf.div(tf.sub(x, tf.mul(clipped, a)), b) as tf.Tensor4D];
}

/** Ancestral sampling: x_{t-1} ~ N(posterior mean(x0_hat, x_t), posteriorVariance_t), T evaluations. */
export function sampleDdpm(s: NoiseSchedule, epsModel: EpsModel, shape: number[], opts: ReverseOptions): tf.Tensor4D {
  const rng = new SeededRng(opts.seed);
  let x = tf.randomNormal(shape as [number, number, number, number], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor4D; // x_T [n, H, W, C]
  for (let t = s.T; t >= 1; t--) {
    const next = tf.tidy(() => {
      const [x0] = predictX0(s, x, epsModel(x, t), t, opts.clip);
      const denom = 1 - s.alphaBar[t];
      const c0 = (Math.sqrt(s.alphaBar[t - 1]) * s.beta[t]) / denom;
      const ct = (Math.sqrt(1 - s.beta[t]) * (1 - s.alphaBar[t - 1])) / denom;
      const mean = tf.add(tf.mul(x0, c0), tf.mul(x, ct)) as tf.Tensor4D; // [n, H, W, C]
      if (t === 1) return mean;
      const z = tf.randomNormal(shape, 0, 1, 'float32', rng.nextSeed());
      return tf.add(mean, tf.mul(z, Math.sqrt(s.posteriorVariance[t]))) as tf.Tensor4D;
    });
    x.dispose();
    x = next;
  }
  return x;
}

/** The S steps DDIM visits, descending: round(i T / S) for i = S..1. */
export function ddimSteps(T: number, S: number): number[] {
  if (!Number.isInteger(S) || S < 1 || S > T) throw new UsageError(`DDIM steps must be an integer in 1..${T}, got ${S}`);
  const steps: number[] = [];
  for (let i = S; i >= 1; i--) steps.push(Math.round((i * T) / S));
  return steps;
}

/**
 * DDIM: x_{prev} = sqrt(aBar_prev) x0_hat + sqrt(1 - aBar_prev - sigma^2) eps + sigma z,
 * sigma = eta sqrt((1 - aBar_prev) / (1 - aBar_t)) sqrt(1 - aBar_t / aBar_prev). S evaluations.
 */
export function sampleDdim(
  s: NoiseSchedule,
  epsModel: EpsModel,
  shape: number[],
  opts: ReverseOptions & { steps: number; eta: number },
): tf.Tensor4D {
  const rng = new SeededRng(opts.seed);
  const steps = ddimSteps(s.T, opts.steps);
  let x = tf.randomNormal(shape as [number, number, number, number], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor4D; // x_T [n, H, W, C]
  steps.forEach((t, i) => {
    const prev = i + 1 < steps.length ? steps[i + 1] : 0;
    const next = tf.tidy(() => {
      const [x0, eps] = predictX0(s, x, epsModel(x, t), t, opts.clip);
      const [aT, aPrev] = [s.alphaBar[t], s.alphaBar[prev]];
      const sigma = opts.eta * Math.sqrt(((1 - aPrev) / (1 - aT)) * (1 - aT / aPrev));
      const direction = Math.sqrt(Math.max(1 - aPrev - sigma * sigma, 0));
      const mean = tf.add(tf.mul(x0, Math.sqrt(aPrev)), tf.mul(eps, direction)) as tf.Tensor4D; // [n, H, W, C]
      if (prev === 0 || sigma === 0) return mean;
      const z = tf.randomNormal(shape, 0, 1, 'float32', rng.nextSeed());
      return tf.add(mean, tf.mul(z, sigma)) as tf.Tensor4D;
    });
    x.dispose();
    x = next;
  });
  return x;
}
