// The metrics in the committed digits evaluator's feature space behave as
// sample-quality measures must: real splits are close, noise is far, damage
// raises FD monotonically, and precision/recall respond to the right failure.
import { SeededRng, tf, useCpuBackend } from '@curtain/core';
import { type Dataset, type ImageSet, imagesToTensor, loadDataset, sampleImages } from '@curtain/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Evaluator,
  evaluateSamples,
  type FeatureMatrix,
  frechetDistance,
  kernelInceptionDistance,
  loadEvaluator,
  precisionRecall,
  referenceRows,
  sliceRows,
  uniformNoiseImages,
} from '../src/index.ts';

const N = 400;
let evaluator: Evaluator;
let data: Dataset;
let realImages: tf.Tensor4D; // training images: the reference every sample set is compared with
let heldOutImages: tf.Tensor4D; // disjoint real images
let real: FeatureMatrix;
let heldOut: FeatureMatrix;

beforeAll(async () => {
  await useCpuBackend();
  evaluator = loadEvaluator('digits');
  data = loadDataset('digits');
  realImages = sampleImages(data.train, N, 11);
  heldOutImages = sampleImages(data.heldOut, N, 12);
  real = await evaluator.features(realImages);
  heldOut = await evaluator.features(heldOutImages);
});
afterAll(() => {
  tf.dispose([realImages, heldOutImages]);
  evaluator.dispose();
});

async function withFeatures(make: () => tf.Tensor4D): Promise<FeatureMatrix> {
  const images = make();
  try {
    return await evaluator.features(images);
  } finally {
    images.dispose();
  }
}

function gaussianNoise(images: tf.Tensor4D, sigma: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add(images, tf.randomNormal(images.shape, 0, sigma, 'float32', seed)), 0, 1) as tf.Tensor4D);
}

function gaussianBlur(images: tf.Tensor4D, sigma: number): tf.Tensor4D {
  return tf.tidy(() => {
    const radius = Math.ceil(3 * sigma);
    const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const total = taps.reduce((a, b) => a + b, 0);
    const kernel = tf.tensor1d(taps.map((t) => t / total));
    const horizontal = tf.reshape(kernel, [1, 2 * radius + 1, 1, 1]) as tf.Tensor4D;
    const vertical = tf.reshape(kernel, [2 * radius + 1, 1, 1, 1]) as tf.Tensor4D;
    return tf.conv2d(tf.conv2d(images, horizontal, 1, 'same'), vertical, 1, 'same');
  });
}

function increasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]);
}

describe('Frechet distance on evaluator features', () => {
  it('is small for two disjoint real splits next to real against noise', async () => {
    const noise = await withFeatures(() => uniformNoiseImages(N, [28, 28, 1], 3));
    const fdReal = frechetDistance(real, heldOut);
    const fdNoise = frechetDistance(real, noise);
    expect(fdReal).toBeLessThan(0.1 * fdNoise);
  });

  it('rises monotonically with Gaussian pixel noise sigma in {0, 0.05, 0.1, 0.2, 0.4}', async () => {
    const fds: number[] = [];
    for (const sigma of [0, 0.05, 0.1, 0.2, 0.4])
      fds.push(
        sigma === 0
          ? frechetDistance(real, heldOut)
          : frechetDistance(real, await withFeatures(() => gaussianNoise(heldOutImages, sigma, 7))),
      );
    expect(increasing(fds), `FD by sigma: ${fds.map((v) => v.toFixed(2)).join(', ')}`).toBe(true);
  });

  it('rises monotonically with blur sigma in {0, 0.5, 1, 2}', async () => {
    const fds: number[] = [];
    for (const sigma of [0, 0.5, 1, 2])
      fds.push(
        sigma === 0 ? frechetDistance(real, heldOut) : frechetDistance(real, await withFeatures(() => gaussianBlur(heldOutImages, sigma))),
      );
    expect(increasing(fds), `FD by blur: ${fds.map((v) => v.toFixed(2)).join(', ')}`).toBe(true);
  });
});

describe('KID on evaluator features', () => {
  it('two halves of one real set are within two standard deviations of 0', async () => {
    const kid = await kernelInceptionDistance(sliceRows(heldOut, 0, N / 2), sliceRows(heldOut, N / 2, N), {
      subsetSize: 100,
      subsets: 20,
      seed: 4,
    });
    expect(Math.abs(kid.mean)).toBeLessThan(2 * kid.std);
  });
});

describe('precision and recall on evaluator features', () => {
  it('precision falls as off-manifold images are mixed into the generated set', async () => {
    const noise = await withFeatures(() => uniformNoiseImages(N, [28, 28, 1], 5));
    const mixed = (fraction: number): FeatureMatrix => {
      const keep = Math.round(N * (1 - fraction));
      const values = new Float32Array(N * real.cols);
      values.set(heldOut.data.subarray(0, keep * real.cols));
      values.set(noise.data.subarray(0, (N - keep) * real.cols), keep * real.cols);
      return { rows: N, cols: real.cols, data: values };
    };
    const results = [];
    for (const fraction of [0, 0.25, 0.5]) results.push(await precisionRecall(real, mixed(fraction), 3));
    const precisions = results.map((r) => r.precision);
    expect(increasing([...precisions].reverse()), `precision: ${precisions.join(', ')}`).toBe(true);
    expect(precisions[0] - precisions[2]).toBeGreaterThan(0.3);
  });

  it('recall falls when classes are dropped from the generated set (mode collapse); precision stays high', async () => {
    const heldOutSet: ImageSet = data.heldOut;
    const order = new SeededRng(9).shuffle(Array.from({ length: heldOutSet.count }, (_, i) => i)) as number[];
    const allClasses = order.slice(0, N);
    const fewClasses = order.filter((i) => heldOutSet.labels[i] < 3).slice(0, N);
    const full = await precisionRecall(real, await withFeatures(() => imagesToTensor(heldOutSet, allClasses)), 3);
    const collapsed = await precisionRecall(real, await withFeatures(() => imagesToTensor(heldOutSet, fewClasses)), 3);
    expect(collapsed.recall).toBeLessThan(full.recall - 0.3);
    expect(collapsed.precision).toBeGreaterThan(0.8);
  });
});

describe('evaluateSamples and referenceRows', () => {
  it('records the evaluator id, sample counts and seed; accepts images or features', async () => {
    const fake = heldOutImages.slice([0, 0, 0, 0], [200, -1, -1, -1]);
    const metrics = await evaluateSamples({ evaluator, real: realImages, fake, seed: 3, kidSubsetSize: 100, kidSubsets: 5 });
    expect(metrics).toMatchObject({
      evaluatorId: evaluator.id,
      realCount: N,
      fakeCount: 200,
      seed: 3,
      kidSubsetSize: 100,
      kidSubsets: 5,
      k: 3,
    });
    const fromFeatures = await evaluateSamples({
      evaluator,
      real,
      fake: sliceRows(heldOut, 0, 200),
      seed: 3,
      kidSubsetSize: 100,
      kidSubsets: 5,
    });
    expect(fromFeatures.fd).toBeCloseTo(metrics.fd, 3);
    expect(fromFeatures.precision).toBe(metrics.precision);
    fake.dispose();
  });

  it('data row is the floor, noise row the ceiling and the mean image between, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const rows = await referenceRows(data, evaluator, 200, 1, { kidSubsetSize: 100, kidSubsets: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.reference)).toEqual(['data', 'mean-image', 'noise']);
    const [floor, meanImage, ceiling] = rows;
    expect(floor).toMatchObject({
      reference: 'data',
      dataset: 'digits',
      evaluatorId: evaluator.id,
      realCount: 200,
      fakeCount: 200,
      seed: 1,
    });
    expect(ceiling.reference).toBe('noise');
    expect(floor.fd).toBeLessThan(0.1 * ceiling.fd);
    expect(floor.kid).toBeLessThan(ceiling.kid);
    expect(floor.precision).toBeGreaterThan(ceiling.precision);
    expect(floor.recall).toBeGreaterThan(ceiling.recall);
    // the mean image has learned something noise has not, and nothing data has
    expect(meanImage.fd).toBeGreaterThan(floor.fd);
    expect(meanImage.fd).toBeLessThan(ceiling.fd);
  });
});
