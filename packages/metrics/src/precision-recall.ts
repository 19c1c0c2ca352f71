/**
 * Improved precision and recall (Kynkaanniemi et al. 2019, "Improved Precision
 * and Recall Metric for Assessing Generative Models",
 * https://arxiv.org/abs/1904.06991). Each set's manifold is the union of balls
 * around its samples with radius the distance to the k-th nearest neighbour in
 * the same set. Precision: fraction of generated samples inside the real
 * manifold. Recall: fraction of real samples inside the generated manifold.
 */
import { UsageError } from '@curtain/core';
import { assertSameWidth, type FeatureMatrix, rowDot, rowSquaredNorms } from './feature-matrix.ts';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
}

/** Squared distance from row i of a to every row of b, written into `out`. */
function squaredDistancesFrom(a: FeatureMatrix, i: number, aNorm: number, b: FeatureMatrix, bNorms: Float64Array, out: Float64Array): void {
  for (let j = 0; j < b.rows; j++) out[j] = Math.max(aNorm + bNorms[j] - 2 * rowDot(a, i, b, j), 0);
}

/** Squared distance of every row to its k-th nearest other row of the same set. */
export function kthNeighbourSquaredRadii(m: FeatureMatrix, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`precision/recall: k must be a positive integer, got ${k}`);
  if (m.rows <= k) throw new UsageError(`precision/recall: needs more than k = ${k} samples per set, got ${m.rows}`);
  const norms = rowSquaredNorms(m);
  const row = new Float64Array(m.rows);
  const radii = new Float64Array(m.rows);
  const nearest = new Float64Array(k);
  for (let i = 0; i < m.rows; i++) {
    squaredDistancesFrom(m, i, norms[i], m, norms, row);
    nearest.fill(Number.POSITIVE_INFINITY);
    for (let j = 0; j < m.rows; j++) {
      if (j === i || row[j] >= nearest[k - 1]) continue;
      // insert into the sorted list of the k smallest
      let p = k - 1;
      while (p > 0 && nearest[p - 1] > row[j]) {
        nearest[p] = nearest[p - 1];
        p -= 1;
      }
      nearest[p] = row[j];
    }
    radii[i] = nearest[k - 1];
  }
  return radii;
}

/** Fraction of rows of `queries` inside the union of balls (squared radii `radii`) around rows of `manifold`. */
export function coverage(manifold: FeatureMatrix, radii: Float64Array, queries: FeatureMatrix): number {
  const manifoldNorms = rowSquaredNorms(manifold);
  const queryNorms = rowSquaredNorms(queries);
  const row = new Float64Array(manifold.rows);
  let inside = 0;
  for (let q = 0; q < queries.rows; q++) {
    squaredDistancesFrom(queries, q, queryNorms[q], manifold, manifoldNorms, row);
    for (let j = 0; j < manifold.rows; j++) {
      if (row[j] <= radii[j]) {
        inside += 1;
        break;
      }
    }
  }
  return inside / queries.rows;
}

export function precisionRecall(real: FeatureMatrix, fake: FeatureMatrix, k = 3): PrecisionRecall {
  assertSameWidth(real, fake, 'precision/recall');
  const precision = coverage(real, kthNeighbourSquaredRadii(real, k), fake);
  const recall = coverage(fake, kthNeighbourSquaredRadii(fake, k), real);
  return { precision, recall, k };
}
