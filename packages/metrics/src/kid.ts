/**
 * Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs",
 * https://arxiv.org/abs/1801.01401) on evaluator features: the unbiased MMD^2
 * with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over
 * random subsets drawn without replacement, with the standard deviation of the
 * subset estimates.
 */
import { SeededRng, tf, UsageError } from '@curtain/core';
import { assertSameWidth, type FeatureMatrix, rowDot, selectRows } from './feature-matrix.ts';

export interface KidOptions {
  /** Samples per subset, clamped to the smaller set (default: min(1000, half the smaller set)). */
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

/** k(i, j) between row i of one set and row j of another. */
type Kernel = (i: number, j: number) => number;

/** The cubic polynomial kernel (x.y / d + 1)^3, computed on demand. */
function polynomialKernel(a: FeatureMatrix, b: FeatureMatrix): Kernel {
  return (i, j) => (rowDot(a, i, b, j) / a.cols + 1) ** 3;
}

/** The same kernel, every pair computed once up front (worth it when several subsets reuse pairs). */
function tabulatedKernel(a: FeatureMatrix, b: FeatureMatrix): Kernel {
  const k = polynomialKernel(a, b);
  const table = new Float64Array(a.rows * b.rows);
  const symmetric = a === b;
  for (let i = 0; i < a.rows; i++) {
    for (let j = symmetric ? i : 0; j < b.rows; j++) {
      table[i * b.rows + j] = k(i, j);
      if (symmetric) table[j * b.rows + i] = table[i * b.rows + j];
    }
  }
  return (i, j) => table[i * b.rows + j];
}

/** Largest set (rows) scored exactly in float64 (kernel tables: 3 x 2000^2 doubles = 96 MB); larger sets use GEMM. */
const TABULATE_UP_TO = 2000;

/** Unbiased MMD^2 from the three kernels over equal-size index lists xs, ys. */
function mmd2(kxx: Kernel, kyy: Kernel, kxy: Kernel, xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const m = xs.length;
  if (ys.length !== m) throw new UsageError(`KID: subsets must have equal sizes (${m} vs ${ys.length})`);
  if (m < 2) throw new UsageError(`KID: needs at least 2 samples per set, got ${m}`);
  let sumXx = 0;
  let sumYy = 0;
  let sumXy = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      sumXx += kxx(xs[a], xs[b]);
      sumYy += kyy(ys[a], ys[b]);
    }
    for (let b = 0; b < m; b++) sumXy += kxy(xs[a], ys[b]);
  }
  return (2 * sumXx) / (m * (m - 1)) + (2 * sumYy) / (m * (m - 1)) - (2 * sumXy) / (m * m);
}

/**
 * Sum of the cubic kernel over all pairs (i, j) of rows of x and y (i !== j
 * when offDiagonal), from one float32 matrix product on the active backend
 * (BLAS on the native backend) and the cubic and the sum in float64.
 */
async function kernelSum(x: FeatureMatrix, y: FeatureMatrix, offDiagonal: boolean): Promise<number> {
  const product = tf.tidy(() =>
    tf.matMul(
      tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols]),
      tf.tensor2d(Float32Array.from(y.data), [y.rows, y.cols]),
      false,
      true,
    ),
  );
  const dots = await product.data();
  product.dispose();
  const scale = 1 / x.cols;
  let sum = 0;
  for (let i = 0; i < x.rows; i++) {
    const offset = i * y.rows;
    for (let j = 0; j < y.rows; j++) {
      const t = dots[offset + j] * scale + 1;
      sum += t * t * t;
    }
    if (offDiagonal) {
      const t = dots[offset + i] * scale + 1;
      sum -= t * t * t;
    }
  }
  return sum;
}

/** Unbiased MMD^2 of two equal-size sets via kernelSum: float32-accurate kernels, for sets too large to tabulate. */
async function mmd2Gemm(x: FeatureMatrix, y: FeatureMatrix): Promise<number> {
  const m = x.rows;
  const [xx, yy, xy] = [await kernelSum(x, x, true), await kernelSum(y, y, true), await kernelSum(x, y, false)];
  return (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
}

/** Unbiased MMD^2 between rows `xi` of x and rows `yi` of y (equal counts m >= 2; all rows by default). */
export function unbiasedMmd2(x: FeatureMatrix, y: FeatureMatrix, xi?: ArrayLike<number>, yi?: ArrayLike<number>): number {
  assertSameWidth(x, y, 'KID');
  return mmd2(polynomialKernel(x, x), polynomialKernel(y, y), polynomialKernel(x, y), xi ?? range(x.rows), yi ?? range(y.rows));
}

/**
 * KID of `fake` against `real`: the mean and spread of the unbiased MMD^2 over
 * `subsets` random subsets of `subsetSize` samples from each set (default: at
 * most 1000 and half the smaller set, so subsets differ and the spread means something).
 */
export async function kernelInceptionDistance(real: FeatureMatrix, fake: FeatureMatrix, opts: KidOptions = {}): Promise<KidResult> {
  assertSameWidth(real, fake, 'KID');
  const { subsets = 10, seed = 0 } = opts;
  const smaller = Math.min(real.rows, fake.rows);
  const subsetSize = Math.min(opts.subsetSize ?? Math.min(1000, Math.floor(smaller / 2)), smaller);
  if (!Number.isInteger(subsets) || subsets < 1) throw new UsageError(`KID: subsets must be a positive integer, got ${subsets}`);
  if (subsetSize < 2) throw new UsageError(`KID: needs at least 2 samples per set, got ${subsetSize}`);
  // small sets: every kernel value once, exactly (float64); large sets: each subset's kernels from a GEMM
  const small = Math.max(real.rows, fake.rows) <= TABULATE_UP_TO;
  const kernel = subsets > 1 ? tabulatedKernel : polynomialKernel;
  const kernels = small ? [kernel(real, real), kernel(fake, fake), kernel(real, fake)] : undefined;
  const rng = new SeededRng(seed);
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const xi = choose(real.rows, subsetSize, rng);
    const yi = choose(fake.rows, subsetSize, rng);
    estimates.push(kernels ? mmd2(kernels[0], kernels[1], kernels[2], xi, yi) : await mmd2Gemm(selectRows(real, xi), selectRows(fake, yi)));
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
