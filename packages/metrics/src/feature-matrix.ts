import { UsageError } from '@curtain/core';

/** N feature vectors of length `cols`, row-major (row i is data[i*cols .. (i+1)*cols)). */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

export function featureMatrix(rows: number, cols: number, data: Float32Array | Float64Array): FeatureMatrix {
  if (data.length !== rows * cols) {
    throw new UsageError(`feature matrix: ${rows}x${cols} needs ${rows * cols} values, got ${data.length}`);
  }
  return { rows, cols, data };
}

/** From nested arrays (one array per row), e.g. a JSON fixture. */
export function featureMatrixFromRows(rows: readonly (readonly number[])[]): FeatureMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new UsageError(`feature matrix: row ${i} has ${row.length} values, expected ${cols}`);
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data };
}

/** The rows at `indices`, as a new matrix. */
export function selectRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const data = new Float64Array(indices.length * m.cols);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * m.cols;
    for (let j = 0; j < m.cols; j++) data[i * m.cols + j] = m.data[from + j];
  }
  return { rows: indices.length, cols: m.cols, data };
}

/** Rows [start, end) as a new matrix. */
export function sliceRows(m: FeatureMatrix, start: number, end: number): FeatureMatrix {
  return { rows: end - start, cols: m.cols, data: m.data.slice(start * m.cols, end * m.cols) };
}

export function assertSameWidth(a: FeatureMatrix, b: FeatureMatrix, what: string): void {
  if (a.cols !== b.cols) throw new UsageError(`${what}: feature widths differ (${a.cols} vs ${b.cols})`);
}

/** Dot product of row i of a and row j of b. */
export function rowDot(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  const d = a.cols;
  const ad = a.data;
  const bd = b.data;
  const ai = i * d;
  const bj = j * d;
  let sum = 0;
  for (let t = 0; t < d; t++) sum += ad[ai + t] * bd[bj + t];
  return sum;
}

/** Squared Euclidean norm of every row. */
export function rowSquaredNorms(m: FeatureMatrix): Float64Array {
  const norms = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) norms[i] = rowDot(m, i, m, i);
  return norms;
}
