import { type CommonConfig, frozenDefaults } from '@curtain/core';

/**
 * The plain VAE's knobs. `width` is the channel count of every feature map,
 * `depth` the residual blocks per encoder and per decoder stage (on the latent
 * grid), `latentChannels` the channels of the spatial levels' latent grid
 * (H/4 x W/4), `globalLatents` the size of the top level's global vector.
 */
export interface VaeConfig extends CommonConfig {
  latentChannels: number;
  /** Size of the top level's global latent vector (the plain VAE's only latent). */
  globalLatents: number;
  /**
   * Weight (nats per unit squared error, in [-1, 1] space) of the auxiliary
   * per-scale loss sum_l ||x_l - output_l||^2 over the levels above the last,
   * which makes each coarser level's output a prediction of the image at its
   * scale; 200 is a Gaussian of sigma 0.05. Not part of the reported bound.
   */
  predictionLossWeight: number;
  /** Linear KL warm-up over this many steps (0: off, beta = 1 from the start). */
  klWarmupSteps: number;
  /** Free bits (Kingma et al. 2016): nats per image each level's KL is floored at in the loss (0: off). */
  freeNatsPerLevel: number;
  /** Clip the global gradient norm (0: off). */
  gradClipNorm: number;
  /** health() says 'collapsed' when a level's KL (nats per image) averaged over the last `healthWindow` steps is below this. */
  collapseNats: number;
  healthWindow: number;
}

/** The hierarchy adds the number of levels of the resolution pyramid (coarsest first). */
export interface HierarchicalVaeConfig extends VaeConfig {
  /** Levels of the pyramid: 1 (the plain VAE), 2 (H/2, H) or 3 (H/4, H/2, H). */
  levels: number;
}

const COMMON = {
  width: 32,
  depth: 1,
  batchSize: 32,
  learningRate: 2e-3,
  latentChannels: 4,
  globalLatents: 16,
  predictionLossWeight: 200,
  klWarmupSteps: 0,
  freeNatsPerLevel: 0,
  gradClipNorm: 0,
  collapseNats: 0.05,
  healthWindow: 50,
};

export const VAE_DEFAULTS: Readonly<VaeConfig> = frozenDefaults<VaeConfig>({ ...COMMON });
/**
 * The hierarchy clips the gradient norm at 200, the value of VDVAE (Child
 * 2021, https://arxiv.org/abs/2011.10650, whose loss is also per dimension).
 * Unclipped at size l and learning rate 2e-3, pcvae blew up in all 3 seeds of
 * the standard study (at about 1.2e13, 2.2e13 and 2.9e13 training FLOPs: a
 * finest-level KL of 1e8 nats, held-out bound 1e9 bits/dim) while hvae and the
 * plain VAE trained stably. Both hierarchies get the clip, so that they still
 * differ only in what their latents code. Their gradient norms at size l run
 * at a median of 60 to 200 with a tail to 500 after the first 100 steps
 * (pcvae, digits, native backend), so the clip mostly acts on the spikes.
 */
export const HVAE_DEFAULTS: Readonly<HierarchicalVaeConfig> = frozenDefaults<HierarchicalVaeConfig>({
  ...COMMON,
  levels: 3,
  gradClipNorm: 200,
});
export const PCVAE_DEFAULTS: Readonly<HierarchicalVaeConfig> = HVAE_DEFAULTS;

/** Sizes the study tries, smallest first; the same for all three variants. */
export const VAE_SIZES = Object.freeze({
  s: Object.freeze({ width: 16 }),
  m: Object.freeze({ width: 32 }),
  l: Object.freeze({ width: 48, latentChannels: 8, globalLatents: 32 }),
});
