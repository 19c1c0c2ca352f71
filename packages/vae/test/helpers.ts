import { finishStep, type StepStats, type tf } from '@curtain/core';
import { imagesToTensor, loadSynthetic } from '@curtain/data';
import { HVAE, PCVAE, VAE } from '../src/index.ts';
import type { PyramidVae } from '../src/model.ts';

export const TINY_SHAPE = { height: 8, width: 8, channels: 1 };
export const TINY = { width: 4, depth: 1, latentChannels: 2, batchSize: 8 };
export const ENTRIES = [VAE, HVAE, PCVAE] as const;

/** A batch of n synthetic 8x8 bars, [n, 8, 8, 1] in [0, 1]. */
export function tinyBatch(n = 8, seed = 3): tf.Tensor4D {
  const set = loadSynthetic({ count: Math.max(n, 16), size: 8, seed }).train;
  return imagesToTensor(
    set,
    Array.from({ length: n }, (_, i) => i),
  );
}

export function createTiny(entry: (typeof ENTRIES)[number], overrides: Record<string, number> = {}, seed = 7): PyramidVae {
  return entry.create({ ...TINY, ...overrides }, TINY_SHAPE, seed) as PyramidVae;
}

/** `steps` training steps on the same batch, each read back as the training loop does; the last step's statistics. */
export async function train(model: PyramidVae, batch: tf.Tensor4D, steps = 1): Promise<StepStats> {
  let stats: StepStats | undefined;
  for (let s = 1; s <= steps; s++) stats = await finishStep(model, model.trainStep(batch), s, true);
  return stats as StepStats;
}
