import { SeededRng, tf, UsageError } from '@curtain/core';

/** Images per network batch when a model samples or scores many (bounds memory). */
export const EVAL_CHUNK = 256;

/**
 * Draws n samples in chunks of at most `chunk` (bounding memory), giving each
 * chunk its own seed from one generator seeded by `seed`, so the same seed
 * gives the same images. `drawChunk(size, seed)` returns [size, H, W, C];
 * the chunks are concatenated into [n, H, W, C].
 */
export function sampleInChunks(
  n: number,
  chunk: number,
  seed: number,
  drawChunk: (size: number, seed: number) => tf.Tensor4D,
): tf.Tensor4D {
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`sample: n must be a positive integer, got ${n}`);
  const seeds = new SeededRng(seed);
  const chunks: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < n; start += chunk) chunks.push(drawChunk(Math.min(chunk, n - start), seeds.nextSeed()));
  } catch (error) {
    tf.dispose(chunks);
    throw error;
  }
  if (chunks.length === 1) return chunks[0];
  const all = tf.concat(chunks, 0) as tf.Tensor4D;
  tf.dispose(chunks);
  return all;
}
