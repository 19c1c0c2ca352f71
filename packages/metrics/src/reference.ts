// The reference rows every report shows beside its models: what a model that
// copied held-out data, learned only the mean image, or learned nothing would
// score. One definition of their images, for the study and for this package.
import { SeededRng, tf } from '@curtain/core';
import { type Dataset, pixelsPerImage, sampleImages } from '@curtain/data';

/** Variants that are reference rows rather than models. */
export const REFERENCE_VARIANTS = ['data', 'mean-image', 'noise'] as const;
export type ReferenceVariant = (typeof REFERENCE_VARIANTS)[number];

/** What each reference row's images are (the note column of runs.csv). */
export const REFERENCE_NOTES: Record<ReferenceVariant, string> = {
  data: 'held-out real images against training images',
  'mean-image': 'every sample the mean training image (learned nothing)',
  noise: 'uniform noise images',
};

/** n images of independent uniform noise in [0, 1], [n, H, W, C]. */
export function uniformNoiseImages(n: number, shape: readonly [number, number, number], seed: number): tf.Tensor4D {
  const values = new SeededRng(seed).fillUniform(new Float32Array(n * shape[0] * shape[1] * shape[2]));
  return tf.tensor4d(values, [n, ...shape]);
}

/** The mean training image repeated n times, [n, H, W, C]. */
function meanImages(dataset: Dataset, n: number): tf.Tensor4D {
  const { train } = dataset;
  const stride = pixelsPerImage(train);
  const mean = new Float32Array(n * stride);
  for (let i = 0; i < train.count * stride; i++) mean[i % stride] += train.images[i] / (255 * train.count);
  for (let k = 1; k < n; k++) mean.copyWithin(k * stride, 0, stride);
  return tf.tensor4d(mean, [n, train.height, train.width, train.channels]);
}

/** n images of a reference row: held-out data, the mean training image repeated, or uniform noise (seeded). */
export function referenceImages(variant: ReferenceVariant, dataset: Dataset, n: number, seed: number): tf.Tensor4D {
  const { height, width, channels } = dataset.heldOut;
  if (variant === 'data') return sampleImages(dataset.heldOut, n, seed);
  if (variant === 'noise') return uniformNoiseImages(n, [height, width, channels], seed);
  return meanImages(dataset, n);
}
