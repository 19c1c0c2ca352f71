import { type CommonConfig, frozenDefaults } from '@curtain/core';

/** 'r1': the R1 gradient penalty on real data; 'none': the plain non-saturating loss. */
export type GanStabiliser = 'r1' | 'none';

export interface GanConfig extends CommonConfig {
  /** Channels at H/2 (the H/4 level has 2 * width) in both networks. */
  width: number;
  /** Convolutions per resolution (the first is the up/down-sampling one; extra ones are 3x3). */
  depth: number;
  batchSize: number;
  /** Adam learning rate of both networks (Radford et al.: 2e-4). */
  learningRate: number;
  /** Adam beta1 (Radford et al.: 0.5). */
  beta1: number;
  latentDim: number;
  /** 'r1' (Mescheder et al. 2018 gradient penalty on real data) or 'none'. */
  stabiliser: GanStabiliser;
  /** R1 weight gamma: the penalty is gamma / 2 * E ||grad_x D(x)||^2. */
  r1Gamma: number;
  /** Decay of the generator weight average used for sampling. */
  emaDecay: number;
  /** Consecutive steps with discriminator loss below collapseLoss that count as collapse. */
  collapseWindow: number;
  collapseLoss: number;
  /** Mean per-pixel standard deviation across samples below which samples count as identical. */
  diversityThreshold: number;
}

export const GAN_DEFAULTS: Readonly<GanConfig> = frozenDefaults<GanConfig>({
  width: 32,
  depth: 1,
  batchSize: 64,
  learningRate: 2e-4,
  beta1: 0.5,
  latentDim: 32,
  stabiliser: 'r1',
  r1Gamma: 1,
  emaDecay: 0.999,
  collapseWindow: 100,
  collapseLoss: 0.01,
  diversityThreshold: 0.01,
});
