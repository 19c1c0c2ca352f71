// DCGAN (Radford et al. 2016, https://arxiv.org/abs/1511.06434) trained with the
// non-saturating loss (Goodfellow et al. 2014) and Adam(2e-4, beta1 0.5), optionally
// stabilised by the R1 penalty (Mescheder et al. 2018, https://arxiv.org/abs/1801.04406).
// Samples come from an exponential moving average of the generator's weights: one
// generator evaluation per sample. A GAN has no likelihood, so there is no bitsPerDim.
import {
  type GenerativeModel,
  type ImageShape,
  type JsonValue,
  mergeConfig,
  type RunStatus,
  type SampleCost,
  SeededRng,
  type StepStats,
  type StepTensors,
  type TemperatureOptions,
  tf,
  UsageError,
} from '@curtain/core';
import {
  Adam,
  type CheckpointParts,
  ParamStore,
  EVAL_CHUNK as SAMPLE_CHUNK,
  sampleInChunks,
  TrainableModel,
  WeightAverage,
} from '@curtain/nn';
import { GAN_DEFAULTS, type GanConfig } from './config.ts';
import { CollapseMonitor } from './health.ts';
import { discriminatorLoss, generatorLoss, r1Penalty } from './losses.ts';
import { buildDiscriminator, buildGenerator, type Net } from './networks.ts';

const HEALTH_SAMPLES = 32;

/** A GAN samples with a latent temperature (1: the prior). */
export type GanSampleOptions = TemperatureOptions;

export class GanModel extends TrainableModel implements GenerativeModel<GanSampleOptions> {
  readonly family = 'gan' as const;
  readonly variant = 'gan';
  readonly config: Readonly<GanConfig>;
  readonly generator: Net<tf.Tensor2D, tf.Tensor4D>;
  readonly discriminator: Net<tf.Tensor4D, tf.Tensor1D>;
  protected readonly store: ParamStore;
  private readonly gOptimizer: Adam;
  private readonly dOptimizer: Adam;
  private readonly average: WeightAverage;
  private readonly monitor: CollapseMonitor;
  private readonly rng: SeededRng;

  constructor(
    config: Partial<GanConfig>,
    readonly shape: ImageShape,
    seed: number,
  ) {
    super();
    this.config = mergeConfig(GAN_DEFAULTS, config, 'gan config');
    const { width, depth, latentDim, learningRate, beta1, stabiliser } = this.config;
    if (shape.height % 4 !== 0 || shape.width % 4 !== 0) {
      throw new UsageError(`gan: image sides must be divisible by 4 (two stride-2 layers), got ${shape.height}x${shape.width}`);
    }
    if (stabiliser !== 'r1' && stabiliser !== 'none') throw new UsageError(`gan: stabiliser must be 'r1' or 'none', got '${stabiliser}'`);
    if (width < 1 || depth < 1) throw new UsageError(`gan: width and depth must be >= 1, got ${width}, ${depth}`);
    this.rng = new SeededRng(seed);
    this.store = new ParamStore(this.rng.fork());
    this.generator = buildGenerator(this.store, shape, { width, depth, latentDim });
    this.discriminator = buildDiscriminator(this.store, shape, { width, depth, latentDim });
    this.gOptimizer = new Adam(this.generatorVariables(), { learningRate, beta1 });
    this.dOptimizer = new Adam(this.discriminatorVariables(), { learningRate, beta1 });
    this.average = new WeightAverage(this.generatorVariables(), this.config.emaDecay);
    this.monitor = new CollapseMonitor(this.config.collapseWindow, this.config.collapseLoss);
  }

  generatorVariables(): tf.Variable[] {
    return this.store.variables('g/');
  }

  discriminatorVariables(): tf.Variable[] {
    return this.store.variables('d/');
  }

  private latents(n: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([n, this.config.latentDim], 0, 1, 'float32', seed); // [n, latentDim]
  }

  /** One Adam step of the discriminator on real vs freshly generated images; G is untouched. */
  discriminatorStep(real: tf.Tensor4D): StepTensors {
    const n = real.shape[0];
    const fake = tf.tidy(() => this.generator(this.latents(n, this.rng.nextSeed()))); // [B, H, W, C], off the tape
    try {
      return this.dOptimizer.step((record) => {
        const realLogits = this.discriminator(real); // [B]
        const fakeLogits = this.discriminator(fake); // [B]
        record('d_real', tf.mean(tf.sigmoid(realLogits)) as tf.Scalar);
        record('d_fake', tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
        const adversarial = discriminatorLoss(realLogits, fakeLogits);
        record('d_adv', adversarial);
        if (this.config.stabiliser !== 'r1') return adversarial;
        const penalty = r1Penalty(this.discriminator, real, this.config.r1Gamma);
        record('r1', penalty);
        return tf.add(adversarial, penalty) as tf.Scalar;
      });
    } finally {
      fake.dispose();
    }
  }

  /** One Adam step of the generator against the current discriminator; D is untouched. */
  generatorStep(batchSize: number): StepTensors {
    const seed = this.rng.nextSeed();
    const stats = this.gOptimizer.step(() => generatorLoss(this.discriminator(this.generator(this.latents(batchSize, seed)))));
    this.average.update();
    return stats;
  }

  /** Discriminator step, then generator step: one optimiser step of each network. */
  trainStep(batch: tf.Tensor4D): StepTensors {
    const { loss: dLoss, ...dStats } = this.discriminatorStep(batch);
    const { loss: gLoss } = this.generatorStep(batch.shape[0]);
    return { loss: gLoss, d_loss: dLoss, ...dStats }; // loss: the generator's
  }

  /** Read-back statistics feed the collapse monitor (the discriminator's adversarial loss). */
  observe(stats: StepStats): void {
    this.monitor.observe(stats.d_adv);
  }

  async sample(n: number, opts: GanSampleOptions): Promise<tf.Tensor4D> {
    const temperature = opts.temperature ?? 1;
    return this.average.withAverage(() =>
      sampleInChunks(
        n,
        SAMPLE_CHUNK,
        opts.seed,
        (size, seed) => tf.tidy(() => this.generator(tf.mul(this.latents(size, seed), temperature) as tf.Tensor2D)), // [size, H, W, C]
      ),
    );
  }

  sampleCost(_opts: GanSampleOptions): SampleCost {
    return { networkEvals: 1 };
  }

  /** 'collapsed' if D won outright or samples are alike; see healthReason. */
  async health(): Promise<RunStatus> {
    const samples = await this.sample(HEALTH_SAMPLES, { seed: 0 });
    const spreadTensor = tf.tidy(() => tf.mean(tf.sqrt(tf.moments(samples, 0).variance)));
    samples.dispose();
    const spread = (await spreadTensor.data())[0];
    spreadTensor.dispose();
    return this.monitor.status(spread, this.config.diversityThreshold);
  }

  get healthReason(): string {
    return this.monitor.reason;
  }

  protected checkpointParts(): CheckpointParts {
    return {
      optimizers: { generator: this.gOptimizer, discriminator: this.dOptimizer },
      rngs: { rng: this.rng },
      average: this.average,
    };
  }

  protected override checkpointExtra(): JsonValue {
    return this.monitor.getState();
  }

  protected override restoreExtra(extra: JsonValue): void {
    this.monitor.setState(extra);
  }
}
