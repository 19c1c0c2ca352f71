import { type ImageShape, mergeConfig, type ParadigmEntry, type SamplerSetting } from '@curtain/core';
import { type HierarchicalVaeConfig, HVAE_DEFAULTS, PCVAE_DEFAULTS, VAE_DEFAULTS, VAE_SIZES, type VaeConfig } from './config.ts';
import { PyramidVae, type VaeSampleOptions } from './model.ts';
import type { Coding } from './pyramid.ts';

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

/** A hierarchy over a resolution pyramid whose levels code either their scale or a prediction's error. */
function pyramidEntry(
  variant: 'hvae' | 'pcvae',
  defaults: Readonly<HierarchicalVaeConfig>,
  coding: Coding,
): ParadigmEntry<HierarchicalVaeConfig, VaeSampleOptions> {
  return {
    variant,
    family: 'vae',
    defaults,
    create: (config, shape, seed) => {
      const merged = mergeConfig(defaults, config, `${variant} config`);
      return new PyramidVae(variant, merged, shape, seed, merged.levels, coding);
    },
    sizes: VAE_SIZES,
    referenceSize: 'm',
    samplers: SAMPLERS,
  };
}

/** The control: a top-down hierarchy over a resolution pyramid, each level coding its scale. */
export const HVAE = pyramidEntry('hvae', HVAE_DEFAULTS, 'plain');

/** The treatment: the same hierarchy, each level coding only the error of the coarser levels' prediction. */
export const PCVAE = pyramidEntry('pcvae', PCVAE_DEFAULTS, 'predictive');

export const VAE_ENTRIES = [VAE, HVAE, PCVAE] as const;
