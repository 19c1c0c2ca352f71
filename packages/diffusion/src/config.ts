import { type CommonConfig, frozenDefaults } from '@curtain/core';
import type { ScheduleKind } from './schedule.ts';

export interface DdpmConfig extends CommonConfig {
  /** Base channels of the U-Net (level 28x28: width, level 14x14 and 7x7: 2 * width). */
  width: number;
  /** Residual blocks per resolution. */
  depth: number;
  batchSize: number;
  learningRate: number;
  /** Global gradient-norm clip (0: none). */
  clipNorm: number;
  /** Diffusion steps T. */
  timesteps: number;
  /** 'linear' (Ho et al. 2020, rescaled by 1000 / T) or 'cosine' (Nichol & Dhariwal 2021). */
  schedule: ScheduleKind;
  /** Decay of the weight average used for sampling and the bound. */
  emaDecay: number;
  /** Clip the predicted x0 to [-1, 1] while sampling (not in the bound). */
  clipDenoised: boolean;
  /**
   * Timesteps of the bound's middle sum evaluated per bitsPerDim call: 0 sums
   * all T - 1 terms; K > 0 draws K stratified timesteps and weights each term
   * by (T - 1) / K, an unbiased Monte Carlo estimate of the same bound.
   */
  boundTimesteps: number;
}

/**
 * Defaults for 28x28 digits on CPU. T = 200 rather than Ho et al.'s 1000: a
 * DDPM sample costs T U-Net evaluations, and at the study's budgets (a few
 * thousand training steps) the sampler, not T, limits quality; the cosine
 * schedule keeps T = 200 well behaved. The bound (bits/dim) is slightly looser
 * at smaller T (Kingma et al. 2021), which reports should say.
 */
export const DDPM_DEFAULTS: Readonly<DdpmConfig> = frozenDefaults<DdpmConfig>({
  width: 16,
  depth: 1,
  batchSize: 32,
  learningRate: 1e-3,
  clipNorm: 1,
  timesteps: 200,
  schedule: 'cosine',
  emaDecay: 0.999,
  clipDenoised: true,
  boundTimesteps: 50,
});
