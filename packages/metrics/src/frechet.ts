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
  const centred = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) centred.set(i, j, data[i * cols + j] - mean[j]);
  const covariance = centred
    .transpose()
    .mmul(centred)
    .div(rows - 1);
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
