import { type ImageShape, mergeConfig, type ParadigmEntry, type SamplerSetting } from '@curtain/core';
import { type HierarchicalVaeConfig, HVAE_DEFAULTS, PCVAE_DEFAULTS, VAE_DEFAULTS, VAE_SIZES, type VaeConfig } from './config.ts';
import { PyramidVae, type VaeSampleOptions } from './model.ts';

export * from './config.ts';
export { CollapseMonitor } from './health.ts';
export { EVAL_SEED, PyramidVae, type VaeSampleOptions } from './model.ts';
export { type Coding, type LevelTrace, levelKls, type PassResult, PyramidNetwork } from './pyramid.ts';

/** Ancestral sampling at temperature 1; an image is the decoder's logistic location. */
const SAMPLERS: readonly SamplerSetting<VaeSampleOptions>[] = Object.freeze([{ label: 'ancestral', options: {} }]);

/** The plain convolutional VAE: one latent grid, diagonal Gaussian posterior. */
export const VAE: ParadigmEntry<VaeConfig, VaeSampleOptions> = {
  variant: 'vae',
  family: 'vae',
  defaults: VAE_DEFAULTS,
  create: (config, shape: ImageShape, seed) =>
    new PyramidVae('vae', mergeConfig(VAE_DEFAULTS, config, 'vae config'), shape, seed, 1, 'plain'),
  sizes: VAE_SIZES,
  referenceSize: 'm',
  samplers: SAMPLERS,
};

/** The control: a top-down hierarchy over a resolution pyramid, each level coding its scale. */
export const HVAE: ParadigmEntry<HierarchicalVaeConfig, VaeSampleOptions> = {
  variant: 'hvae',
  family: 'vae',
  defaults: HVAE_DEFAULTS,
  create: (config, shape, seed) => {
    const merged = mergeConfig(HVAE_DEFAULTS, config, 'hvae config');
    return new PyramidVae('hvae', merged, shape, seed, merged.levels, 'plain');
  },
  sizes: VAE_SIZES,
  referenceSize: 'm',
  samplers: SAMPLERS,
};

/** The treatment: the same hierarchy, each level coding only the error of the coarser levels' prediction. */
export const PCVAE: ParadigmEntry<HierarchicalVaeConfig, VaeSampleOptions> = {
  variant: 'pcvae',
  family: 'vae',
  defaults: PCVAE_DEFAULTS,
  create: (config, shape, seed) => {
    const merged = mergeConfig(PCVAE_DEFAULTS, config, 'pcvae config');
    return new PyramidVae('pcvae', merged, shape, seed, merged.levels, 'predictive');
  },
  sizes: VAE_SIZES,
  referenceSize: 'm',
  samplers: SAMPLERS,
};

export const VAE_ENTRIES = [VAE, HVAE, PCVAE] as const;
