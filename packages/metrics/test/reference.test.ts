// FD, KID and precision/recall against numpy/scipy values recorded by
// scripts/reference_fd_kid.py, plus brute-force checks on tiny cases.
import { readFileSync } from 'node:fs';
import { SeededRng } from '@curtain/core';
import { describe, expect, it } from 'vitest';
import {
  type FeatureMatrix,
  featureMatrix,
  featureMatrixFromRows,
  frechetDistance,
  kernelInceptionDistance,
  kthNeighbourSquaredRadii,
  precisionRecall,
  sliceRows,
  unbiasedMmd2,
} from '../src/index.ts';

interface ReferenceCase {
  name: string;
  real: number[][];
  fake: number[][];
  fd: number;
  mmd2Full: number;
  subsetReal: number[];
  subsetFake: number[];
  mmd2Subset: number;
  k: number;
  precision: number;
  recall: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/fd-kid-reference.json', import.meta.url), 'utf8')) as {
  cases: ReferenceCase[];
};

function gaussianFeatures(rows: number, cols: number, seed: number, shift = 0, scale = 1): FeatureMatrix {
  const data = new SeededRng(seed).fillNormal(new Float64Array(rows * cols) as unknown as Float32Array, scale);
  for (let i = 0; i < data.length; i++) data[i] += shift;
  return featureMatrix(rows, cols, data);
}

describe('against numpy/scipy (fixtures/fd-kid-reference.json)', () => {
  for (const c of fixture.cases) {
    const real = featureMatrixFromRows(c.real);
    const fake = featureMatrixFromRows(c.fake);
    it(`${c.name}: FD matches scipy.linalg.sqrtm`, () => {
      expect(frechetDistance(real, fake)).toBeCloseTo(c.fd, 6);
    });
    it(`${c.name}: unbiased MMD^2 on the full sets and on a fixed subset`, async () => {
      expect(unbiasedMmd2(real, fake)).toBeCloseTo(c.mmd2Full, 8);
      expect(unbiasedMmd2(real, fake, c.subsetReal, c.subsetFake)).toBeCloseTo(c.mmd2Subset, 8);
      // a subset as large as the sets is every sample, whatever the seed
      const kid = await kernelInceptionDistance(real, fake, { subsetSize: real.rows, subsets: 3, seed: 5 });
      expect(kid.mean).toBeCloseTo(c.mmd2Full, 8);
      expect(kid.std).toBeLessThan(1e-9);
    });
    it(`${c.name}: precision/recall with k = ${c.k}`, async () => {
      const pr = await precisionRecall(real, fake, c.k);
      expect(pr.precision).toBeCloseTo(c.precision, 12);
      expect(pr.recall).toBeCloseTo(c.recall, 12);
    });
  }
});

describe('Frechet distance', () => {
  it('is zero for a set against itself, symmetric, and grows with a mean shift', () => {
    const a = gaussianFeatures(200, 6, 1);
    const b = gaussianFeatures(200, 6, 2);
    expect(frechetDistance(a, a)).toBeLessThan(1e-9);
    expect(frechetDistance(a, b)).toBeCloseTo(frechetDistance(b, a), 9);
    const shifts = [0.5, 1, 2].map((s) => frechetDistance(a, gaussianFeatures(200, 6, 2, s)));
    expect(shifts[0]).toBeLessThan(shifts[1]);
    expect(shifts[1]).toBeLessThan(shifts[2]);
  });

  it('equals the closed form for 1-d Gaussians: (m1-m2)^2 + (s1-s2)^2', () => {
    const a = featureMatrixFromRows([[0], [2]]); // mean 1, variance 2
    const b = featureMatrixFromRows([[3], [11]]); // mean 7, variance 32
    expect(frechetDistance(a, b)).toBeCloseTo(36 + (Math.sqrt(2) - Math.sqrt(32)) ** 2, 9);
  });
});

describe('KID', () => {
  it('two halves of one set are within two standard deviations of 0', async () => {
    const all = gaussianFeatures(400, 16, 3);
    const kid = await kernelInceptionDistance(sliceRows(all, 0, 200), sliceRows(all, 200, 400), { subsetSize: 100, subsets: 20, seed: 1 });
    expect(Math.abs(kid.mean)).toBeLessThan(2 * kid.std);
  });

  it('is far above its spread for shifted features, and deterministic for a seed', async () => {
    const a = gaussianFeatures(200, 16, 4);
    const b = gaussianFeatures(200, 16, 5, 0.5);
    const kid = await kernelInceptionDistance(a, b, { subsetSize: 100, subsets: 10, seed: 2 });
    expect(kid.mean).toBeGreaterThan(5 * kid.std);
    expect(await kernelInceptionDistance(a, b, { subsetSize: 100, subsets: 10, seed: 2 })).toEqual(kid);
  });
});

describe('precision/recall', () => {
  it('k-NN radii match a sort on a tiny case', async () => {
    const m = featureMatrixFromRows([[0], [1], [3], [7]]);
    expect(Array.from(await kthNeighbourSquaredRadii(m, 1))).toEqual([1, 1, 4, 16]);
    expect(Array.from(await kthNeighbourSquaredRadii(m, 2))).toEqual([9, 4, 9, 36]);
  });

  it('counts which side is real: far-off fakes lower precision, a missing mode lowers recall', async () => {
    // real: two clusters; fake: only the first cluster plus some far-off points
    const real = featureMatrixFromRows([
      ...Array.from({ length: 20 }, (_, i) => [i * 0.1, 0]),
      ...Array.from({ length: 20 }, (_, i) => [i * 0.1, 10]),
    ]);
    const fake = featureMatrixFromRows([
      ...Array.from({ length: 15 }, (_, i) => [i * 0.1 + 0.05, 0]),
      ...Array.from({ length: 5 }, (_, i) => [50 + i, 50]),
    ]);
    const pr = await precisionRecall(real, fake, 3);
    expect(pr.precision).toBeCloseTo(15 / 20, 12);
    // the generated manifold: 15 close points (radius 0.3) plus 5 points 1 apart (radius 3) far away;
    // real points of the first cluster within 0.3 of a fake: x in [-0.25, 1.75] -> 18 of 20; none of the second
    expect(pr.recall).toBeCloseTo(18 / 40, 12);
  });
});
