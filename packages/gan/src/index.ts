import type { ImageShape, ParadigmEntry } from '@curtain/core';
import { GAN_DEFAULTS, type GanConfig } from './config.ts';
import { GanModel, type GanSampleOptions } from './model.ts';

export { GAN_DEFAULTS, type GanConfig, type GanStabiliser } from './config.ts';
export { CollapseMonitor } from './health.ts';
export { discriminatorLoss, generatorLoss, r1Penalty } from './losses.ts';
export { GanModel, type GanSampleOptions } from './model.ts';
export { buildDiscriminator, buildGenerator, leaky } from './networks.ts';

export const GAN: ParadigmEntry<GanConfig, GanSampleOptions> = {
  variant: 'gan',
  family: 'gan',
  defaults: GAN_DEFAULTS,
  create: (config: Partial<GanConfig>, shape: ImageShape, seed: number) => new GanModel(config, shape, seed),
  sizes: { s: { width: 16 }, m: { width: 32 }, l: { width: 64 } },
  referenceSize: 'm',
  samplers: [{ label: 'gan', options: {} }],
};
