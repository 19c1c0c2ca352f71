/** 8-bit images [count, height, width, channels] with one label each. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export const DATASET_NAMES = ['digits', 'mnist', 'fashion-mnist', 'synthetic'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A training split and a held-out split that is used for evaluation only. */
export interface Dataset {
  name: DatasetName;
  /** Where it was read from, for reports. */
  source: string;
  train: ImageSet;
  heldOut: ImageSet;
}

export function pixelsPerImage(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

/** The images at `indices`, as a new ImageSet. */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const stride = pixelsPerImage(set);
  const images = new Uint8Array(indices.length * stride);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const source = indices[i];
    images.set(set.images.subarray(source * stride, (source + 1) * stride), i * stride);
    labels[i] = set.labels[source];
  }
  return { ...set, images, labels, count: indices.length };
}
