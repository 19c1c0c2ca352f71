/**
 * Frechet distance between Gaussian fits of two feature sets (the FID of
 * Heusel et al. 2017, https://arxiv.org/abs/1706.08500, on evaluator features):
 *   FD = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2}).
 * tr (S1 S2)^{1/2} = tr (sqrt(S1) S2 sqrt(S1))^{1/2}, and the inner matrix is
 * symmetric PSD, so two symmetric eigendecompositions (ml-matrix) suffice.
 */

import { UsageError } from '@curtain/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { assertSameWidth, type FeatureMatrix } from './feature-matrix.ts';

export interface GaussianFit {
  mean: Float64Array;
  /** Unbiased sample covariance (divides by N - 1, as numpy.cov). */
  covariance: Matrix;
  count: number;
}

export function gaussianFit(m: FeatureMatrix): GaussianFit {
  if (m.rows < 2) throw new UsageError(`Frechet distance: needs at least 2 samples, got ${m.rows}`);
  const { rows, cols, data } = m;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  // upper triangle of sum_i (x_i - mean)(x_i - mean)^T in one pass over the rows: n d^2 / 2 multiply-adds
  const sums = new Float64Array(cols * cols);
  const centred = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) centred[j] = data[i * cols + j] - mean[j];
    for (let a = 0; a < cols; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const offset = a * cols;
      for (let b = a; b < cols; b++) sums[offset + b] += ca * centred[b];
    }
  }
  const covariance = new Matrix(cols, cols);
  for (let a = 0; a < cols; a++) {
    for (let b = a; b < cols; b++) {
      const v = sums[a * cols + b] / (rows - 1);
      covariance.set(a, b, v);
      covariance.set(b, a, v);
    }
  }
  return { mean, covariance, count: rows };
}

/** Symmetric PSD square root V diag(sqrt(max(l, 0))) V^T. */
export function symmetricSqrt(s: Matrix): Matrix {
  const eig = new EigenvalueDecomposition(symmetrised(s), { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const roots = eig.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  return v.mmul(Matrix.diag(roots)).mmul(v.transpose());
}

function symmetrised(s: Matrix): Matrix {
  return s.clone().add(s.transpose()).div(2);
}

/** tr (S1 S2)^{1/2} for symmetric PSD S1, S2. */
export function traceSqrtProduct(s1: Matrix, s2: Matrix): number {
  const root1 = symmetricSqrt(s1);
  const inner = root1.mmul(s2).mmul(root1);
  const eig = new EigenvalueDecomposition(symmetrised(inner), { assumeSymmetric: true });
  return eig.realEigenvalues.reduce((total, l) => total + Math.sqrt(Math.max(l, 0)), 0);
}

export function frechetDistanceFromFits(a: GaussianFit, b: GaussianFit): number {
  if (a.mean.length !== b.mean.length)
    throw new UsageError(`Frechet distance: feature widths differ (${a.mean.length} vs ${b.mean.length})`);
  let meanTerm = 0;
  for (let j = 0; j < a.mean.length; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  const value = meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * traceSqrtProduct(a.covariance, b.covariance);
  return Math.max(value, 0);
}

/** FD between the Gaussian fits of two feature matrices (rows are samples). */
export function frechetDistance(a: FeatureMatrix, b: FeatureMatrix): number {
  assertSameWidth(a, b, 'Frechet distance');
  return frechetDistanceFromFits(gaussianFit(a), gaussianFit(b));
}
