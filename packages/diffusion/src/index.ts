import type { ImageShape, ParadigmEntry } from '@curtain/core';
import { DDPM_DEFAULTS, type DdpmConfig } from './config.ts';
import { DdpmModel, type DdpmSampleOptions } from './model.ts';

export { type BoundSums, type BoundTerms, boundSums, boundTimesteps, readBound, variationalBound } from './bound.ts';
export { DDPM_DEFAULTS, type DdpmConfig } from './config.ts';
export { qSample, qStep } from './forward.ts';
export { DdpmModel, type DdpmSampleOptions, type DdpmSamplerName } from './model.ts';
export { ddimSteps, type EpsModel, sampleDdim, sampleDdpm } from './samplers.ts';
export { makeSchedule, type NoiseSchedule, type ScheduleKind } from './schedule.ts';
export { timeFeatures } from './time-embedding.ts';
export { buildUNet } from './unet.ts';

export const DDPM: ParadigmEntry<DdpmConfig, DdpmSampleOptions> = {
  variant: 'ddpm',
  family: 'diffusion',
  defaults: DDPM_DEFAULTS,
  create: (config: Partial<DdpmConfig>, shape: ImageShape, seed: number) => new DdpmModel(config, shape, seed),
  sizes: { s: { width: 8 }, m: { width: 16 }, l: { width: 32 } },
  referenceSize: 'm',
  samplers: [
    { label: 'ddpm', options: { sampler: 'ddpm' } },
    { label: 'ddim-50', options: { sampler: 'ddim', steps: 50, eta: 0 } },
    { label: 'ddim-10', options: { sampler: 'ddim', steps: 10, eta: 0 } },
  ],
};
