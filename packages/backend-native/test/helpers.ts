// Shared test set-up: tfjs with gradients, the two native backends (OpenBLAS
// when built with it, and the bundled GEMM), seeded data and comparisons.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { nativeAvailability, registerNativeBackend } from '../src/index.ts';

export { tf };

export const built = nativeAvailability().built;

/** Backends under test: one per GEMM, each compared against the stock cpu backend. */
export function nativeBackends(): string[] {
  if (!built) return [];
  const a = registerNativeBackend({ name: 'native', gemm: 'openblas' });
  registerNativeBackend({ name: 'native-bundled', gemm: 'bundled' });
  return a.blas === 'openblas' ? ['native', 'native-bundled'] : ['native-bundled'];
}

/** mulberry32: deterministic uniform values in [lo, hi). */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

export type Input = { shape: number[]; values: Float32Array };
export const input = (shape: number[], seed: number, lo = -1, hi = 1): Input => ({
  shape,
  values: rand(
    shape.reduce((a, b) => a * b, 1),
    seed,
    lo,
    hi,
  ),
});

/** Runs fn on `backend` with fresh tensors built from `inputs`; returns every output's values. */
export function runOn(
  backend: string,
  inputs: Input[],
  fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): { shape: number[]; values: Float32Array }[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape, 'float32'));
    const out = fn(...ts);
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
  });
}

/** Largest |a-b| relative to the largest |b| (norm-wise relative error). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-12);
}

/** Runs fn on `backend` and on 'cpu' and returns the worst relative error over outputs. */
export function compareWithCpu(backend: string, inputs: Input[], fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): number {
  const got = runOn(backend, inputs, fn);
  const want = runOn('cpu', inputs, fn);
  let worst = 0;
  got.forEach((g, i) => {
    if (g.shape.join() !== want[i].shape.join()) worst = Number.POSITIVE_INFINITY;
    else worst = Math.max(worst, relErr(g.values, want[i].values));
  });
  return worst;
}
