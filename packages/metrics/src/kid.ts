/**
 * Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs",
 * https://arxiv.org/abs/1801.01401) on evaluator features: the unbiased MMD^2
 * with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over
 * random subsets drawn without replacement, with the standard deviation of the
 * subset estimates.
 */
import { SeededRng, UsageError } from '@curtain/core';
import { assertSameWidth, type FeatureMatrix, rowDot } from './feature-matrix.ts';

export interface KidOptions {
  /** Samples per subset, clamped to the smaller set (default 1000). */
  subsetSize?: number;
  /** Number of subsets (default 10). */
  subsets?: number;
  seed?: number;
}

export interface KidResult {
  mean: number;
  /** Population standard deviation of the subset estimates. */
  std: number;
  subsetSize: number;
  subsets: number;
}

function polynomialKernel(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  return (rowDot(a, i, b, j) / a.cols + 1) ** 3;
}

/** Unbiased MMD^2 between rows `xi` of x and rows `yi` of y (equal counts m >= 2). */
export function unbiasedMmd2(x: FeatureMatrix, y: FeatureMatrix, xi?: ArrayLike<number>, yi?: ArrayLike<number>): number {
  assertSameWidth(x, y, 'KID');
  const xs = xi ?? range(x.rows);
  const ys = yi ?? range(y.rows);
  const m = xs.length;
  if (ys.length !== m) throw new UsageError(`KID: subsets must have equal sizes (${m} vs ${ys.length})`);
  if (m < 2) throw new UsageError(`KID: needs at least 2 samples per set, got ${m}`);
  let kxx = 0;
  let kyy = 0;
  let kxy = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      kxx += polynomialKernel(x, xs[a], x, xs[b]);
      kyy += polynomialKernel(y, ys[a], y, ys[b]);
    }
    for (let b = 0; b < m; b++) kxy += polynomialKernel(x, xs[a], y, ys[b]);
  }
  return (2 * kxx) / (m * (m - 1)) + (2 * kyy) / (m * (m - 1)) - (2 * kxy) / (m * m);
}

export function kernelInceptionDistance(real: FeatureMatrix, fake: FeatureMatrix, opts: KidOptions = {}): KidResult {
  const { subsets = 10, seed = 0 } = opts;
  const subsetSize = Math.min(opts.subsetSize ?? 1000, real.rows, fake.rows);
  if (!Number.isInteger(subsets) || subsets < 1) throw new UsageError(`KID: subsets must be a positive integer, got ${subsets}`);
  const rng = new SeededRng(seed);
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const xi = choose(real.rows, subsetSize, rng);
    const yi = choose(fake.rows, subsetSize, rng);
    estimates.push(unbiasedMmd2(real, fake, xi, yi));
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / subsets;
  const variance = estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / subsets;
  return { mean, std: Math.sqrt(variance), subsetSize, subsets };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** k distinct indices out of n (a partial Fisher-Yates shuffle). */
function choose(n: number, k: number, rng: SeededRng): Int32Array {
  const pool = Int32Array.from(range(n));
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, k);
}
