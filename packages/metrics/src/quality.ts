import { SeededRng, tf, UsageError } from '@curtain/core';
import { type Dataset, loadDataset, sampleImages } from '@curtain/data';
import type { Evaluator } from './evaluator.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { frechetDistance } from './frechet.ts';
import { kernelInceptionDistance } from './kid.ts';
import { precisionRecall } from './precision-recall.ts';
import { REFERENCE_VARIANTS, type ReferenceVariant, referenceImages } from './reference.ts';

export interface QualityOptions {
  /** Seed for the KID subsets (recorded in the result). */
  seed: number;
  /** KID samples per subset (default min(1000, half the smaller set)). */
  kidSubsetSize?: number;
  /** KID subsets (default 10). */
  kidSubsets?: number;
  /** Neighbourhood size of precision/recall (default 3). */
  k?: number;
}

/** One evaluation of generated images against real ones, with what it depended on. */
export interface QualityMetrics {
  evaluatorId: string;
  realCount: number;
  fakeCount: number;
  seed: number;
  fd: number;
  kid: number;
  kidStd: number;
  kidSubsetSize: number;
  kidSubsets: number;
  precision: number;
  recall: number;
  k: number;
}

type Images = tf.Tensor4D | FeatureMatrix;

async function featuresOf(evaluator: Evaluator, images: Images): Promise<FeatureMatrix> {
  return images instanceof tf.Tensor ? evaluator.features(images) : images;
}

/** All metrics from feature matrices (rows are samples). */
export async function qualityFromFeatures(
  evaluatorId: string,
  real: FeatureMatrix,
  fake: FeatureMatrix,
  opts: QualityOptions,
): Promise<QualityMetrics> {
  const kid = await kernelInceptionDistance(real, fake, { subsetSize: opts.kidSubsetSize, subsets: opts.kidSubsets, seed: opts.seed });
  const pr = await precisionRecall(real, fake, opts.k ?? 3);
  return {
    evaluatorId,
    realCount: real.rows,
    fakeCount: fake.rows,
    seed: opts.seed,
    fd: frechetDistance(real, fake),
    kid: kid.mean,
    kidStd: kid.std,
    kidSubsetSize: kid.subsetSize,
    kidSubsets: kid.subsets,
    precision: pr.precision,
    recall: pr.recall,
    k: pr.k,
  };
}

/**
 * FD, KID, precision and recall of `fake` (generated images [N, 28, 28, 1] in
 * [0, 1], or their features) against `real`, in `evaluator`'s feature space.
 * The caller keeps ownership of the tensors.
 */
export async function evaluateSamples(
  args: { evaluator: Evaluator; real: Images; fake: Images } & QualityOptions,
): Promise<QualityMetrics> {
  const { evaluator, real, fake, ...opts } = args;
  return qualityFromFeatures(evaluator.id, await featuresOf(evaluator, real), await featuresOf(evaluator, fake), opts);
}

/** The real images every model of a study is compared against: n training images in a seeded order. */
export function realReference(dataset: Dataset, n: number, seed: number): tf.Tensor4D {
  return sampleImages(dataset.train, n, seed);
}

export interface ReferenceRow extends QualityMetrics {
  /** 'data': held-out real images (the floor a model can reach); 'mean-image': the data mean; 'noise': uniform noise (the ceiling). */
  reference: ReferenceVariant;
  dataset: string;
}

/**
 * The reference rows every report shows beside its models, each measured
 * against realReference(dataset, n, seed): `data` scores n held-out real
 * images, `mean-image` the mean training image n times, `noise` n
 * uniform-noise images (referenceImages).
 */
export async function referenceRows(
  dataset: Dataset | string,
  evaluator: Evaluator,
  n: number,
  seed: number,
  opts: Omit<QualityOptions, 'seed'> = {},
): Promise<ReferenceRow[]> {
  const data = typeof dataset === 'string' ? loadDataset(dataset) : dataset;
  if (n > data.heldOut.count)
    throw new UsageError(`referenceRows: n = ${n} exceeds the ${data.heldOut.count} held-out images of ${data.name}`);
  const rng = new SeededRng(seed);
  const realImages = realReference(data, n, rng.nextSeed());
  try {
    const real = await evaluator.features(realImages);
    const rows: ReferenceRow[] = [];
    for (const reference of REFERENCE_VARIANTS) {
      const images = referenceImages(reference, data, n, rng.nextSeed());
      try {
        const quality = await qualityFromFeatures(evaluator.id, real, await evaluator.features(images), { ...opts, seed });
        rows.push({ reference, dataset: data.name, ...quality });
      } finally {
        images.dispose();
      }
    }
    return rows;
  } finally {
    realImages.dispose();
  }
}
