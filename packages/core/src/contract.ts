import type { tf } from './tf.ts';

/** The five paradigms curtain compares. */
export type Family = 'gan' | 'vae' | 'autoregressive' | 'flow' | 'diffusion';

/** Plain JSON: every config is hashed into the run key, so it must round-trip. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type ModelConfig = { readonly [key: string]: JsonValue };

/**
 * What a training step returns: named device-resident scalars, never read back
 * by the model. The caller owns them: it reads them with readStepStats (every
 * k steps) or disposes them.
 */
export interface StepTensors {
  /** The objective the optimiser minimised (nats or bits, see the model). */
  loss: tf.Scalar;
  /** Extra named scalars (recon, kl, d_loss, ...). */
  [name: string]: tf.Scalar;
}

/** A step's statistics read back from the device (see readStepStats). */
export interface StepStats {
  loss: number;
  [name: string]: number;
}

/**
 * What every sampler needs. A paradigm extends it with its own typed settings
 * (DDPM's sampler and steps, a temperature) in its own package.
 */
export interface SampleOptions {
  /** Seed for the sampler's noise: same seed, same backend -> same images. */
  seed: number;
}

/** Options of the samplers that have a temperature (1 is the model's own). */
export interface TemperatureOptions extends SampleOptions {
  temperature?: number;
}

export interface SampleCost {
  /** Network evaluations needed for one batch of samples (any batch size). */
  networkEvals: number;
}

export type LikelihoodKind = 'exact' | 'bound';

export interface BitsPerDim {
  value: number;
  kind: LikelihoodKind;
  /** Where a bound is a sum of named terms: each term in bits/dim (they add up to value). */
  terms?: Record<string, number>;
}

/** Health of a training run; never a crash. */
export const RUN_STATUSES = ['ok', 'diverged', 'collapsed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * The contract every paradigm implements. A model owns its variables and its
 * optimisers; `trainStep` performs exactly one optimiser step (a GAN updates
 * both networks) and returns its statistics as tensors without reading them
 * back, so a GPU backend never waits on the host. Sampling and likelihoods are
 * asynchronous for the same reason. `O` is the paradigm's sampler options.
 */
export interface GenerativeModel<O extends SampleOptions = SampleOptions> {
  readonly family: Family;
  readonly variant: string;
  readonly config: ModelConfig;
  /** batch: [B, H, W, C] float32 in [0, 1], values on the 8-bit grid k/255. The caller owns the result. */
  trainStep(batch: tf.Tensor4D): StepTensors;
  /** Statistics the training loop read back (not every step: every k-th and the last); feeds health checks. */
  observe?(stats: StepStats): void;
  /** n images [n, H, W, C] in [0, 1]. The caller disposes the result. */
  sample(n: number, opts: O): Promise<tf.Tensor4D>;
  sampleCost(opts: O): SampleCost;
  /** Average negative log-likelihood of the batch in bits per dimension. */
  bitsPerDim?(batch: tf.Tensor4D): Promise<BitsPerDim>;
  /**
   * Treatment check of a hierarchy with per-scale predictions (hvae, pcvae):
   * mean over levels 2..L of E||x_l - prediction_l||^2 / Var(x_l) on the
   * batch (held-out images). Below 0.5 the coarser levels really predict.
   */
  predictionErrorRatio?(batch: tf.Tensor4D): Promise<number>;
  /**
   * Model-specific health check run by the study after training: 'collapsed'
   * where the model can tell. Divergence is the training loop's finding.
   */
  health?(): Promise<RunStatus>;
  /** All trainable variables (for parameter counts and checkpoints). */
  variables(): tf.Variable[];
  save(dir: string): Promise<void>;
  load(dir: string): Promise<void>;
  dispose(): void;
}

/** Image geometry a model is built for. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Every config carries these knobs, so the study can size and train any
 * variant the same way. `width` and `depth` scale the network.
 */
export interface CommonConfig {
  width: number;
  depth: number;
  batchSize: number;
  learningRate: number;
  [key: string]: JsonValue;
}

/** A way to sample a model the study reports separately (DDPM vs DDIM at S steps). */
export interface SamplerSetting<O extends SampleOptions = SampleOptions> {
  /** Label used in reports: 'ddpm', 'ddim-20'. */
  label: string;
  options: Omit<O, 'seed'>;
}

/**
 * What a paradigm package exports for the study and the benchmarks: how to
 * build it, its defaults, the sizes the study tries, and its samplers.
 */
export interface ParadigmEntry<C extends CommonConfig = CommonConfig, O extends SampleOptions = SampleOptions> {
  variant: string;
  family: Family;
  defaults: Readonly<C>;
  create(config: Partial<C>, shape: ImageShape, seed: number): GenerativeModel<O>;
  /** Named overrides, smallest first: the study picks the best per budget. */
  sizes: Readonly<Record<string, Partial<C>>>;
  /** The size the benchmarks time. */
  referenceSize: string;
  /** At least one; the first is the default. */
  samplers: readonly SamplerSetting<O>[];
}
