import { SeededRng } from '@curtain/core';
import type { Dataset, ImageSet } from './image-set.ts';

export interface SyntheticOptions {
  /** Images per split (train gets `count`, held-out gets a quarter). */
  count?: number;
  /** Side of the square images. */
  size?: number;
  seed?: number;
}

/**
 * Tiny deterministic images for tests: class k (0..9) is a bright bar at a
 * position set by k, horizontal for even k and vertical for odd, on a faint
 * noisy background. Learnable in a few hundred steps; cheap to evaluate.
 */
export function makeSyntheticSet(count: number, size: number, rng: SeededRng): ImageSet {
  const pixels = size * size;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.int(10);
    labels[n] = label;
    const at = Math.floor(((label >> 1) / 5) * size + rng.int(2));
    const thickness = Math.max(1, Math.floor(size / 8));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const coord = label % 2 === 0 ? y : x;
        const onBar = coord >= at && coord < at + thickness;
        images[n * pixels + y * size + x] = onBar ? 200 + rng.int(56) : rng.int(24);
      }
    }
  }
  return { images, labels, count, height: size, width: size, channels: 1 };
}

export function loadSynthetic(opts: SyntheticOptions = {}): Dataset {
  const { count = 512, size = 28, seed = 1 } = opts;
  const rng = new SeededRng(seed);
  return {
    name: 'synthetic',
    source: `synthetic bars ${size}x${size}, seed ${seed}`,
    train: makeSyntheticSet(count, size, rng),
    heldOut: makeSyntheticSet(Math.max(16, Math.floor(count / 4)), size, rng),
  };
}
