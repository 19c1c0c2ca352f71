import { SeededRng, tf, UsageError } from '@curtain/core';
import { type ImageSet, pixelsPerImage } from './image-set.ts';

/** Images at `indices` as float32 [n, H, W, C] in [0, 1] (k/255). */
export function imagesToTensor(set: ImageSet, indices?: ArrayLike<number>): tf.Tensor4D {
  const stride = pixelsPerImage(set);
  const chosen = indices ?? Array.from({ length: set.count }, (_, i) => i);
  const values = new Float32Array(chosen.length * stride);
  for (let i = 0; i < chosen.length; i++) {
    const offset = chosen[i] * stride;
    for (let p = 0; p < stride; p++) values[i * stride + p] = set.images[offset + p] / 255;
  }
  return tf.tensor4d(values, [chosen.length, set.height, set.width, set.channels]);
}

/** The first n images of a seeded permutation of `set` (for evaluation sets). */
export function sampleImages(set: ImageSet, n: number, seed: number): tf.Tensor4D {
  if (n > set.count) throw new UsageError(`asked for ${n} images but the split holds ${set.count}`);
  const order = Array.from({ length: set.count }, (_, i) => i);
  new SeededRng(seed).shuffle(order);
  return imagesToTensor(set, order.slice(0, n));
}

/**
 * Endless mini-batches in a seeded order: each epoch is a fresh permutation, so
 * the same seed gives the same batches. The caller disposes each batch.
 */
export class BatchStream {
  private readonly rng: SeededRng;
  private order: number[] = [];
  private cursor = 0;
  epoch = 0;
  /** Batches handed out so far: the stream's position, all a checkpoint needs to resume it. */
  position = 0;

  constructor(
    private readonly set: ImageSet,
    readonly batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batch size must be a positive integer, got ${batchSize}`);
    if (batchSize > set.count) throw new UsageError(`batch size ${batchSize} exceeds the ${set.count} training images`);
    this.rng = new SeededRng(seed);
    this.reshuffle();
  }

  private reshuffle(): void {
    this.order = Array.from({ length: this.set.count }, (_, i) => i);
    this.rng.shuffle(this.order);
    this.cursor = 0;
  }

  next(): tf.Tensor4D {
    return imagesToTensor(this.set, this.nextIndices());
  }

  /** Moves on `count` batches without building them (resuming from a checkpoint's position). */
  skip(count: number): void {
    for (let i = 0; i < count; i++) this.nextIndices();
  }

  private nextIndices(): number[] {
    if (this.cursor + this.batchSize > this.order.length) {
      this.epoch += 1;
      this.reshuffle();
    }
    const indices = this.order.slice(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    this.position += 1;
    return indices;
  }
}

/**
 * Uniform dequantisation: x in {0, 1/255, ..., 1} -> (255 x + u) / 256 with
 * u ~ U[0, 1), a continuous density whose likelihood bounds the discrete one
 * (Theis et al. 2016). Deterministic for a given seed.
 */
export function dequantize(batch: tf.Tensor4D, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const noise = tf.randomUniform(batch.shape, 0, 1, 'float32', seed);
    return tf.div(tf.add(tf.mul(batch, 255), noise), 256) as tf.Tensor4D;
  });
}
