import { tf } from '@curtain/core';
import type { NoiseSchedule } from './schedule.ts';

/** Per-example scalars as a [B, 1, 1, 1] tensor that broadcasts over images. */
export function perExample(values: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}

/**
 * q(x_t | x_0) in one shot: x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) eps.
 * x0, noise [B, H, W, C] (x0 in [-1, 1]); ts: B steps in 1..T.
 */
export function qSample(schedule: NoiseSchedule, x0: tf.Tensor4D, ts: ArrayLike<number>, noise: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const a = Array.from(ts, (t) => Math.sqrt(schedule.alphaBar[t]));
    const b = Array.from(ts, (t) => Math.sqrt(1 - schedule.alphaBar[t]));
    return tf.add(tf.mul(x0, perExample(a)), tf.mul(noise, perExample(b))) as tf.Tensor4D; // [B, H, W, C]
  });
}

/** One forward step q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I), for tests. */
export function qStep(schedule: NoiseSchedule, xPrev: tf.Tensor4D, t: number, noise: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(xPrev, Math.sqrt(1 - schedule.beta[t])), tf.mul(noise, Math.sqrt(schedule.beta[t]))) as tf.Tensor4D);
}
