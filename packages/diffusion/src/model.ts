// DDPM (Ho et al. 2020, https://arxiv.org/abs/2006.11239): an eps-predicting U-Net
// trained with the simple loss E ||eps - eps_theta(x_t, t)||^2, sampled by the
// ancestral DDPM sampler (T evaluations) or DDIM (Song et al. 2021,
// https://arxiv.org/abs/2010.02502; S evaluations), from an EMA of the weights.
import {
  type BitsPerDim,
  type GenerativeModel,
  type ImageShape,
  mergeConfig,
  type SampleCost,
  type SampleOptions,
  SeededRng,
  type StepTensors,
  tf,
  UsageError,
} from '@curtain/core';
import {
  Adam,
  type CheckpointParts,
  natsToBitsPerDim,
  ParamStore,
  EVAL_CHUNK as SAMPLE_CHUNK,
  sampleInChunks,
  TrainableModel,
  WeightAverage,
} from '@curtain/nn';
import { type BoundSums, boundSums, readBound } from './bound.ts';
import { DDPM_DEFAULTS, type DdpmConfig } from './config.ts';
import { qSample } from './forward.ts';
import { type EpsModel, sampleDdim, sampleDdpm } from './samplers.ts';
import { makeSchedule, type NoiseSchedule } from './schedule.ts';
import { timeFeatures } from './time-embedding.ts';
import { buildUNet, type EpsNetwork } from './unet.ts';

const TIME_DIM = 32;

/** The two reverse processes: ancestral DDPM (T evaluations) and DDIM (S evaluations). */
export type DdpmSamplerName = 'ddpm' | 'ddim';

export interface DdpmSampleOptions extends SampleOptions {
  /** Default 'ddpm'. */
  sampler?: DdpmSamplerName;
  /** DDIM's S (default 50). */
  steps?: number;
  /** DDIM's eta: 0 is deterministic (default 0). */
  eta?: number;
}

export class DdpmModel extends TrainableModel implements GenerativeModel<DdpmSampleOptions> {
  readonly family = 'diffusion' as const;
  readonly variant = 'ddpm';
  readonly config: Readonly<DdpmConfig>;
  readonly schedule: NoiseSchedule;
  protected readonly store: ParamStore;
  private readonly net: EpsNetwork;
  private readonly optimizer: Adam;
  private readonly average: WeightAverage;
  private readonly rng: SeededRng;
  /** Seeds of the bound's Monte Carlo draws: fresh per bitsPerDim call, reproducible per model seed. */
  private readonly boundRng: SeededRng;
  /** U-Net evaluations made by sample() and bitsPerDim() (for cost checks). */
  networkEvaluations = 0;

  constructor(
    config: Partial<DdpmConfig>,
    readonly shape: ImageShape,
    seed: number,
  ) {
    super();
    this.config = mergeConfig(DDPM_DEFAULTS, config, 'ddpm config');
    if (shape.height % 4 !== 0 || shape.width % 4 !== 0) {
      throw new UsageError(`ddpm: image sides must be divisible by 4 (two 2x downsamplings), got ${shape.height}x${shape.width}`);
    }
    this.schedule = makeSchedule(this.config.schedule, this.config.timesteps);
    this.rng = new SeededRng(seed);
    this.boundRng = new SeededRng((seed ^ 0x5bd1e995) | 0);
    this.store = new ParamStore(this.rng.fork());
    this.net = buildUNet(this.store, { width: this.config.width, depth: this.config.depth, channels: shape.channels, timeDim: TIME_DIM });
    this.optimizer = new Adam(this.store.variables(), { learningRate: this.config.learningRate, clipNorm: this.config.clipNorm });
    this.average = new WeightAverage(this.store.variables(), this.config.emaDecay);
  }

  /** eps_theta(x_t, t) with one t for the whole batch, on the live weights. */
  readonly epsModel: EpsModel = (x, t) =>
    tf.tidy(() => {
      this.networkEvaluations += 1;
      return this.net(x, timeFeatures([t], TIME_DIM)); // [B, H, W, C]
    });

  trainStep(batch: tf.Tensor4D): StepTensors {
    const n = batch.shape[0];
    const ts = Array.from({ length: n }, () => 1 + this.rng.int(this.config.timesteps));
    const noiseSeed = this.rng.nextSeed();
    const stats = this.optimizer.step(() => {
      const x0 = tf.sub(tf.mul(batch, 2), 1) as tf.Tensor4D; // [B, H, W, C] in [-1, 1]
      const noise = tf.randomNormal(batch.shape, 0, 1, 'float32', noiseSeed) as tf.Tensor4D;
      const xt = qSample(this.schedule, x0, ts, noise); // [B, H, W, C]
      const predicted = this.net(xt, timeFeatures(ts, TIME_DIM)); // [B, H, W, C]
      return tf.mean(tf.square(tf.sub(predicted, noise))) as tf.Scalar;
    });
    this.average.update();
    return stats;
  }

  async sample(n: number, opts: DdpmSampleOptions): Promise<tf.Tensor4D> {
    const sampler = opts.sampler ?? 'ddpm';
    if (sampler !== 'ddpm' && sampler !== 'ddim') throw new UsageError(`ddpm: unknown sampler '${sampler}'; expected 'ddpm' or 'ddim'`);
    const { height, width, channels } = this.shape;
    return this.average.withAverage(() =>
      sampleInChunks(n, SAMPLE_CHUNK, opts.seed, (size, seed) => {
        const shape = [size, height, width, channels];
        const common = { seed, clip: this.config.clipDenoised };
        const x =
          sampler === 'ddpm'
            ? sampleDdpm(this.schedule, this.epsModel, shape, common)
            : sampleDdim(this.schedule, this.epsModel, shape, { ...common, steps: opts.steps ?? 50, eta: opts.eta ?? 0 });
        const images = tf.tidy(() => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1) as tf.Tensor4D); // [size, H, W, C] in [0, 1]
        x.dispose();
        return images;
      }),
    );
  }

  sampleCost(opts: DdpmSampleOptions): SampleCost {
    const sampler = opts.sampler ?? 'ddpm';
    if (sampler === 'ddpm') return { networkEvals: this.config.timesteps };
    if (sampler === 'ddim') return { networkEvals: opts.steps ?? 50 };
    throw new UsageError(`ddpm: unknown sampler '${sampler}'; expected 'ddpm' or 'ddim'`);
  }

  /**
   * The variational bound in bits/dim (kind 'bound'), on the weight average,
   * with its terms (bound.ts): prior and t = 1 exact, t = T always evaluated,
   * and with config.boundTimesteps = K > 0 the terms t = 2..T-1 an unbiased
   * K-term Monte Carlo estimate; 0 evaluates every term. Each call draws
   * fresh strata and noise (reproducible per model seed) unless `seed` is given.
   */
  async bitsPerDim(batch: tf.Tensor4D, timesteps = this.config.boundTimesteps, seed = this.boundRng.nextSeed()): Promise<BitsPerDim> {
    const dims = this.shape.height * this.shape.width * this.shape.channels;
    const sums = { prior: 0, last: 0, middle: 0, decoder: 0, total: 0 };
    // every chunk's terms are evaluated on the weight average, then read back after the swap
    const pending = this.average.withAverage(() => {
      const chunks: BoundSums[] = [];
      try {
        for (let start = 0; start < batch.shape[0]; start += SAMPLE_CHUNK) {
          const size = Math.min(SAMPLE_CHUNK, batch.shape[0] - start);
          const chunk = batch.slice([start, 0, 0, 0], [size, -1, -1, -1]);
          try {
            chunks.push(boundSums(this.schedule, this.epsModel, chunk, timesteps, seed + start));
          } finally {
            chunk.dispose();
          }
        }
      } catch (error) {
        for (const c of chunks) tf.dispose([c.prior, c.last, c.decoder, ...c.middle]);
        throw error;
      }
      return chunks;
    });
    for (const chunk of pending) {
      const terms = await readBound(chunk);
      for (const key of Object.keys(sums) as Array<keyof typeof sums>) sums[key] += terms[key] * chunk.batch;
    }
    const bits = (nats: number) => natsToBitsPerDim(nats / batch.shape[0], dims);
    return {
      value: bits(sums.total),
      kind: 'bound',
      terms: { prior: bits(sums.prior), 't=T': bits(sums.last), 't=2..T-1': bits(sums.middle), 't=1 decoder': bits(sums.decoder) },
    };
  }

  protected checkpointParts(): CheckpointParts {
    return { optimizers: { adam: this.optimizer }, rngs: { rng: this.rng }, average: this.average };
  }
}
