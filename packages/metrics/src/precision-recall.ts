/**
 * Improved precision and recall (Kynkaanniemi et al. 2019, "Improved Precision
 * and Recall Metric for Assessing Generative Models",
 * https://arxiv.org/abs/1904.06991). Each set's manifold is the union of balls
 * around its samples with radius the distance to the k-th nearest neighbour in
 * the same set. Precision: fraction of generated samples inside the real
 * manifold. Recall: fraction of real samples inside the generated manifold.
 * All-pairs distances come from pairwise.ts (BLAS screen, exact float64
 * decisions), so 10,000 samples per set take seconds, not minutes.
 */
import { UsageError } from '@curtain/core';
import { assertSameWidth, type FeatureMatrix, rowSquaredNorms } from './feature-matrix.ts';
import { exactSquaredDistance, forEachDistanceRow, screenTolerance } from './pairwise.ts';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
}

function maxOf(values: Float64Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, v);
  return m;
}

/** Inserts v into the ascending list `smallest` (fixed length) if it belongs there. */
function insertSmallest(smallest: Float64Array, v: number): void {
  const k = smallest.length;
  if (v >= smallest[k - 1]) return;
  let p = k - 1;
  while (p > 0 && smallest[p - 1] > v) {
    smallest[p] = smallest[p - 1];
    p -= 1;
  }
  smallest[p] = v;
}

/** Squared distance of every row to its k-th nearest other row of the same set. */
export async function kthNeighbourSquaredRadii(m: FeatureMatrix, k: number): Promise<Float64Array> {
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`precision/recall: k must be a positive integer, got ${k}`);
  if (m.rows <= k) throw new UsageError(`precision/recall: needs more than k = ${k} samples per set, got ${m.rows}`);
  const norms = rowSquaredNorms(m);
  const maxNorm = maxOf(norms);
  const radii = new Float64Array(m.rows);
  const screened = new Float64Array(k);
  const exact = new Float64Array(k);
  await forEachDistanceRow(
    m,
    m,
    (i, row) => {
      screened.fill(Number.POSITIVE_INFINITY);
      for (let j = 0; j < m.rows; j++) if (j !== i) insertSmallest(screened, row[j]);
      // every row whose exact distance can be among the k smallest screens within 2 tolerances of the k-th
      const cutoff = screened[k - 1] + 2 * screenTolerance(m.cols, norms[i], maxNorm);
      exact.fill(Number.POSITIVE_INFINITY);
      for (let j = 0; j < m.rows; j++) {
        if (j !== i && row[j] <= cutoff) insertSmallest(exact, exactSquaredDistance(m, i, m, j));
      }
      radii[i] = exact[k - 1];
    },
    { a: norms, b: norms },
  );
  return radii;
}

/** Fraction of rows of `queries` inside the union of balls (squared radii `radii`) around rows of `manifold`. */
export async function coverage(manifold: FeatureMatrix, radii: Float64Array, queries: FeatureMatrix): Promise<number> {
  const manifoldNorms = rowSquaredNorms(manifold);
  const queryNorms = rowSquaredNorms(queries);
  const maxNorm = maxOf(manifoldNorms);
  let inside = 0;
  await forEachDistanceRow(
    queries,
    manifold,
    (q, row) => {
      const tol = screenTolerance(queries.cols, queryNorms[q], maxNorm);
      for (let j = 0; j < manifold.rows; j++) {
        if (row[j] <= radii[j] - tol) {
          inside += 1;
          return;
        }
      }
      for (let j = 0; j < manifold.rows; j++) {
        if (row[j] <= radii[j] + tol && exactSquaredDistance(queries, q, manifold, j) <= radii[j]) {
          inside += 1;
          return;
        }
      }
    },
    { a: queryNorms, b: manifoldNorms },
  );
  return inside / queries.rows;
}

export async function precisionRecall(real: FeatureMatrix, fake: FeatureMatrix, k = 3): Promise<PrecisionRecall> {
  assertSameWidth(real, fake, 'precision/recall');
  const precision = await coverage(real, await kthNeighbourSquaredRadii(real, k), fake);
  const recall = await coverage(fake, await kthNeighbourSquaredRadii(fake, k), real);
  return { precision, recall, k };
}
