/**
 * Pairwise squared distances between the rows of two feature matrices at
 * scale: a float32 matrix product on the active tfjs backend (BLAS on the
 * native backend) screens every pair, and float64 decides the pairs whose
 * float32 distance lies within `tolerance` of a threshold, so the answers
 * equal an exact float64 computation at O(n^2 d) BLAS speed.
 */
import { tf } from '@curtain/core';
import { type FeatureMatrix, rowSquaredNorms } from './feature-matrix.ts';

/** Floats of one block of the distance matrix (rows of a x all rows of b). */
const BLOCK_FLOATS = 1 << 22;

/** Exact squared distance between row i of a and row j of b (float64). */
export function exactSquaredDistance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  const d = a.cols;
  let sum = 0;
  for (let t = 0; t < d; t++) {
    const diff = a.data[i * d + t] - b.data[j * d + t];
    sum += diff * diff;
  }
  return sum;
}

/**
 * A bound on |float32 distance - exact distance| for rows with squared norms
 * na and nb: float32 dot products of length d err by at most about
 * d * 2^-24 * |a| |b| (plus the rounding of the norms); 8x that, so that the
 * float64 re-check covers every pair the screen could misjudge.
 */
export function screenTolerance(d: number, na: number, nb: number): number {
  return 8 * (d + 4) * 2 ** -24 * (na + nb);
}

/**
 * Calls fn(i, distances) for every row i of a, with distances[j] the float32
 * squared distance (clamped at 0) from row i of a to row j of b. `distances`
 * is reused between calls.
 */
export async function forEachDistanceRow(
  a: FeatureMatrix,
  b: FeatureMatrix,
  fn: (i: number, distances: Float32Array) => void,
  norms: { a: Float64Array; b: Float64Array } = { a: rowSquaredNorms(a), b: rowSquaredNorms(b) },
): Promise<void> {
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_FLOATS / Math.max(b.rows, 1)));
  const bt = tf.tensor2d(Float32Array.from(b.data), [b.rows, b.cols]);
  const row = new Float32Array(b.rows);
  try {
    for (let start = 0; start < a.rows; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, a.rows - start);
      const block = Float32Array.from(a.data.subarray(start * a.cols, (start + rows) * a.cols));
      // (read back outside tidy: tidy walks a returned typed array element by element)
      const product = tf.tidy(() => tf.matMul(tf.tensor2d(block, [rows, a.cols]), bt, false, true));
      const dots = (await product.data()) as Float32Array;
      product.dispose();
      for (let r = 0; r < rows; r++) {
        const na = norms.a[start + r];
        for (let j = 0; j < b.rows; j++) row[j] = Math.max(na + norms.b[j] - 2 * dots[r * b.rows + j], 0);
        fn(start + r, row);
      }
    }
  } finally {
    bt.dispose();
  }
}
