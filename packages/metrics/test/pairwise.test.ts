// Metrics at scale: KID of sets too large to tabulate (GEMM kernels) against
// the exact float64 MMD^2, and precision/recall (float32 BLAS screen, float64
// decisions) against a plain float64 brute force, on features built to break a float32-only
// computation: exact ties on an integer lattice, and a large common offset
// that float32 distances (|a|^2 + |b|^2 - 2 a.b) cannot resolve.
import { SeededRng, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FeatureMatrix,
  featureMatrix,
  kernelInceptionDistance,
  kthNeighbourSquaredRadii,
  precisionRecall,
  unbiasedMmd2,
} from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

function distance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  let s = 0;
  for (let t = 0; t < a.cols; t++) s += (a.data[i * a.cols + t] - b.data[j * b.cols + t]) ** 2;
  return s;
}

function bruteRadii(m: FeatureMatrix, k: number): number[] {
  return Array.from({ length: m.rows }, (_, i) => {
    const d = Array.from({ length: m.rows }, (_, j) => (j === i ? Number.POSITIVE_INFINITY : distance(m, i, m, j)));
    return d.sort((x, y) => x - y)[k - 1];
  });
}

function bruteCoverage(manifold: FeatureMatrix, radii: number[], queries: FeatureMatrix): number {
  let inside = 0;
  for (let q = 0; q < queries.rows; q++) {
    if (radii.some((r, j) => distance(queries, q, manifold, j) <= r)) inside += 1;
  }
  return inside / queries.rows;
}

/** rows x cols integers in [0, levels) plus `offset`, as float64 features. */
function lattice(rows: number, cols: number, levels: number, offset: number, seed: number): FeatureMatrix {
  const rng = new SeededRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = offset + rng.int(levels);
  return featureMatrix(rows, cols, data);
}

describe('precision/recall at scale', () => {
  for (const [name, offset] of [
    ['integer lattice with exact ties', 0],
    ['lattice far from the origin (float32 cancellation)', 3000],
  ] as const) {
    it(`${name}: radii and both fractions equal a float64 brute force`, async () => {
      const real = lattice(150, 6, 3, offset, 1);
      const fake = lattice(120, 6, 4, offset, 2);
      for (const k of [1, 3]) {
        const realRadii = bruteRadii(real, k);
        const fakeRadii = bruteRadii(fake, k);
        expect(Array.from(await kthNeighbourSquaredRadii(real, k))).toEqual(realRadii);
        const pr = await precisionRecall(real, fake, k);
        expect(pr.precision).toBe(bruteCoverage(real, realRadii, fake));
        expect(pr.recall).toBe(bruteCoverage(fake, fakeRadii, real));
      }
    });
  }
});

describe('KID at scale', () => {
  it('sets beyond the exact-table size give the float64 MMD^2 to float32 accuracy', async () => {
    const rng = new SeededRng(3);
    const make = (shift: number) =>
      featureMatrix(
        2100,
        8,
        rng.fillNormal(new Float32Array(2100 * 8)).map((v) => v + shift),
      );
    const real = make(0);
    const fake = make(0.3);
    const exact = unbiasedMmd2(real, fake);
    const kid = await kernelInceptionDistance(real, fake, { subsetSize: 2100, subsets: 1 });
    expect(exact).toBeGreaterThan(0.01);
    expect(Math.abs(kid.mean - exact) / exact).toBeLessThan(1e-4);
  });
});
