import type { ParadigmEntry } from '@curtain/core';
import { PIXELCNN_DEFAULTS, type PixelCnnConfig } from './config.ts';
import { PixelCnnModel, type PixelCnnSampleOptions } from './model.ts';

export { PIXELCNN_DEFAULTS, type PixelCnnConfig } from './config.ts';
export { PixelCnnModel, type PixelCnnSampleOptions } from './model.ts';
export { PixelCnnNetwork } from './network.ts';

/** PixelCNN: exact likelihood, H*W network evaluations per sample. */
export const PIXELCNN: ParadigmEntry<PixelCnnConfig, PixelCnnSampleOptions> = {
  variant: 'pixelcnn',
  family: 'autoregressive',
  defaults: PIXELCNN_DEFAULTS,
  create: (config, shape, seed) => new PixelCnnModel(config, shape, seed),
  sizes: { s: { width: 12, depth: 3 }, m: { width: 16, depth: 4 }, l: { width: 32, depth: 5 } },
  referenceSize: 'm',
  samplers: [{ label: 'ancestral', options: {} }],
};
