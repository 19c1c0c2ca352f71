import { tf } from '@curtain/core';

/**
 * Sinusoidal features of the step t (Vaswani et al. 2017, as in Ho et al.
 * 2020), computed in JavaScript so no gather is trained: [len(ts), dim] with
 * sin(t * f_k) and cos(t * f_k), f_k = 10000^(-k / (dim / 2)).
 */
export function timeFeatures(ts: ArrayLike<number>, dim: number): tf.Tensor2D {
  const half = Math.floor(dim / 2);
  const values = new Float32Array(ts.length * dim);
  for (let i = 0; i < ts.length; i++) {
    for (let k = 0; k < half; k++) {
      const angle = ts[i] * 10000 ** (-k / half);
      values[i * dim + k] = Math.sin(angle);
      values[i * dim + half + k] = Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [ts.length, dim]); // [B, dim]
}
