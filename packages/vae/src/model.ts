// The training and evaluation wrapper of the VAE family (vae, hvae, pcvae):
// Kingma & Welling 2014, "Auto-Encoding Variational Bayes", https://arxiv.org/abs/1312.6114,
// with a discretised-logistic likelihood (Salimans et al. 2017, https://arxiv.org/abs/1701.05517),
// the importance-weighted bound of Burda et al. 2016 (https://arxiv.org/abs/1509.00519) and the
// network of pyramid.ts (hierarchy and predictive coding: see its header).
import {
  type BitsPerDim,
  type GenerativeModel,
  type ImageShape,
  type JsonValue,
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
  EVAL_CHUNK as CHUNK,
  type CheckpointParts,
  discretizedLogisticNll,
  gaussianLogDensity,
  LN2,
  LossWatch,
  ParamStore,
  sampleInChunks,
  TrainableModel,
} from '@curtain/nn';
import type { HierarchicalVaeConfig, VaeConfig } from './config.ts';
import { CollapseMonitor } from './health.ts';
import { type Coding, levelKls, type PassResult, PyramidNetwork } from './pyramid.ts';

/** Seed of the latent noise used by bitsPerDim, so evaluating twice gives the same number. */
export const EVAL_SEED = 1234;

/**
 * The training and evaluation wrapper around a PyramidNetwork: the ELBO
 * (discretised-logistic likelihood + analytic KL per level) as the loss, its
 * value in bits/dim, an importance-weighted bound, ancestral sampling, health.
 */
/** The VAE family samples with a latent temperature (1: the prior). */
export type VaeSampleOptions = TemperatureOptions;

export class PyramidVae extends TrainableModel implements GenerativeModel<VaeSampleOptions> {
  readonly family = 'vae' as const;
  readonly network: PyramidNetwork;
  protected readonly store: ParamStore;
  private readonly adam: Adam;
  private readonly noise: SeededRng;
  private readonly monitor: CollapseMonitor;
  private readonly dims: number;
  private readonly lossWatch = new LossWatch();

  constructor(
    readonly variant: string,
    readonly config: Readonly<VaeConfig | HierarchicalVaeConfig>,
    readonly shape: ImageShape,
    readonly seed: number,
    levels: number,
    readonly coding: Coding,
  ) {
    super();
    checkGeometry(variant, shape, levels);
    for (const key of ['width', 'depth', 'latentChannels', 'globalLatents', 'batchSize', 'healthWindow'] as const) {
      const value = config[key];
      if (!Number.isInteger(value) || value < (key === 'depth' ? 0 : 1)) {
        throw new UsageError(
          `${variant} config: '${key}' must be a ${key === 'depth' ? 'non-negative' : 'positive'} integer, got ${value}`,
        );
      }
    }
    if (!(config.predictionLossWeight >= 0)) {
      throw new UsageError(`${variant} config: 'predictionLossWeight' must be a non-negative number, got ${config.predictionLossWeight}`);
    }
    const rng = new SeededRng(seed);
    this.store = new ParamStore(rng.fork());
    this.noise = rng.fork();
    this.network = new PyramidNetwork(this.store, shape, {
      levels,
      width: config.width,
      depth: config.depth,
      latentChannels: config.latentChannels,
      globalLatents: config.globalLatents,
      coding,
    });
    this.adam = new Adam(this.store.variables(), { learningRate: config.learningRate, clipNorm: config.gradClipNorm });
    this.monitor = new CollapseMonitor(config.healthWindow, config.collapseNats);
    this.dims = shape.height * shape.width * shape.channels;
  }

  get levels(): number {
    return this.network.levels;
  }

  /** Reconstruction NLL [B] and KL per level ([B] each), in nats per image, from one posterior pass. */
  elboTerms(x: tf.Tensor4D, seed: number): { recon: tf.Tensor1D; kls: tf.Tensor1D[]; pass: PassResult } {
    const pass = this.network.pass({ x, seed });
    const recon = tf.sum(discretizedLogisticNll(x, pass.mean, pass.logScale), [1, 2, 3]) as tf.Tensor1D; // [B]
    return { recon, kls: levelKls(pass.levels), pass };
  }

  /**
   * The auxiliary per-scale loss of one posterior pass, nats per image [B]:
   * predictionLossWeight * sum over the levels above the last of
   * ||x_l - output_l||^2. hvae and pcvae pay exactly the same term, so both
   * make each coarser output a prediction of the image at its scale; it is
   * added to the training loss only, never to the reported bound.
   */
  scaleLoss(pass: PassResult): tf.Tensor1D | null {
    const pyramid = pass.pyramid;
    if (!pyramid || this.levels < 2 || this.config.predictionLossWeight === 0) return null;
    const errors = pass.levels
      .slice(0, -1)
      .map((level, i) => tf.sum(tf.square(tf.sub(pyramid[i], level.output)), [1, 2, 3]) as tf.Tensor1D); // [B] per level
    return tf.mul(tf.addN(errors), this.config.predictionLossWeight) as tf.Tensor1D;
  }

  /**
   * The treatment check on `batch` (held-out images): mean over levels
   * 2..L of E||x_l - prediction_l||^2 / Var(x_l), where prediction_l is the
   * upsampled output of the level above on a posterior pass (the map pcvae
   * subtracts before coding) and Var(x_l) the pixel variance of the batch at
   * that scale. Below 1 the prediction explains part of the image; NaN with
   * one level (nothing is predicted).
   */
  async predictionErrorRatio(batch: tf.Tensor4D): Promise<number> {
    this.checkBatch(batch);
    if (this.levels < 2) return Number.NaN;
    return readScalar(() => {
      const pass = this.network.pass({ x: batch, seed: EVAL_SEED });
      const pyramid = pass.pyramid as tf.Tensor4D[];
      const ratios = pass.levels.slice(1).map((level, k) => {
        const x = pyramid[k + 1]; // [B, s, s, C]
        const error = tf.mean(tf.square(tf.sub(x, level.prediction as tf.Tensor4D)));
        return tf.div(error, tf.moments(x).variance);
      });
      return tf.div(tf.addN(ratios), ratios.length) as tf.Scalar;
    });
  }

  trainStep(batch: tf.Tensor4D): StepTensors {
    this.checkBatch(batch);
    const seed = this.noise.nextSeed();
    const { klWarmupSteps, freeNatsPerLevel } = this.config;
    const beta = klWarmupSteps > 0 ? Math.min(1, (this.adam.steps + 1) / klWarmupSteps) : 1;
    const toBits = 1 / (this.dims * LN2);
    const stats = this.adam.step((record) => {
      const { recon, kls, pass } = this.elboTerms(batch, seed);
      const reconMean = tf.mean(recon) as tf.Scalar;
      const klMeans = kls.map((kl) => tf.mean(kl) as tf.Scalar); // nats per image, per level
      const klLoss = tf.addN(klMeans.map((kl) => (freeNatsPerLevel > 0 ? tf.maximum(kl, freeNatsPerLevel) : kl)));
      const klTotal = tf.addN(klMeans) as tf.Scalar;
      record('bpd', tf.mul(tf.add(reconMean, klTotal), toBits) as tf.Scalar);
      record('recon', reconMean);
      klMeans.forEach((kl, i) => {
        record(`kl${i}`, kl);
      });
      const elboLoss = tf.add(reconMean, tf.mul(klLoss, beta)) as tf.Scalar;
      const scale = this.scaleLoss(pass);
      if (scale) record('scale_loss', tf.mean(scale) as tf.Scalar);
      record('kl', klTotal);
      return tf.mul(scale ? tf.add(elboLoss, tf.mean(scale)) : elboLoss, toBits) as tf.Scalar;
    });
    return stats;
  }

  /**
   * Read-back statistics feed the divergence watch (a loss back above its
   * first reading after halving: DivergedError) and the posterior-collapse
   * monitor (KL per level).
   */
  observe(stats: StepStats): void {
    this.lossWatch.record(this.adam.steps, stats.loss);
    this.monitor.record(Array.from({ length: this.levels }, (_, i) => stats[`kl${i}`]));
  }

  /** The negative ELBO in bits/dim (a bound), with a fixed latent seed. */
  async bitsPerDim(batch: tf.Tensor4D): Promise<BitsPerDim> {
    this.checkBatch(batch);
    let nats = 0;
    await forChunks(batch, CHUNK, async (chunk, c) => {
      nats += await readScalar(() => {
        const { recon, kls } = this.elboTerms(chunk, EVAL_SEED + 7919 * c);
        return tf.sum(tf.addN([recon, ...kls])) as tf.Scalar;
      });
    });
    return { value: nats / (batch.shape[0] * this.dims * LN2), kind: 'bound' };
  }

  /**
   * The importance-weighted bound (Burda et al. 2016) with k posterior samples
   * per image, in bits/dim: tighter than the ELBO, and equal to it in expectation at k = 1.
   */
  async iwBitsPerDim(batch: tf.Tensor4D, k: number, seed = EVAL_SEED): Promise<BitsPerDim> {
    this.checkBatch(batch);
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`iwBitsPerDim: k must be a positive integer, got ${k}`);
    let nats = 0;
    await forChunks(batch, Math.max(1, Math.floor(CHUNK / k)), async (chunk, c) => {
      nats += await readScalar(() => {
        const b = chunk.shape[0];
        const repeated = tf.tile(chunk, [k, 1, 1, 1]) as tf.Tensor4D; // [k*b, H, W, C]
        const pass = this.network.pass({ x: repeated, seed: seed + 7919 * c });
        const logPx = tf.neg(tf.sum(discretizedLogisticNll(repeated, pass.mean, pass.logScale), [1, 2, 3])); // [k*b]
        const logRatios = pass.levels.map((level) =>
          tf.sum(
            tf.sub(
              gaussianLogDensity(level.z, level.muP, level.logVarP),
              gaussianLogDensity(level.z, level.muQ as tf.Tensor, level.logVarQ as tf.Tensor),
            ),
            [1, 2, 3],
          ),
        ); // [k*b] per level
        const logWeights = tf.reshape(tf.addN([logPx, ...logRatios]), [k, b]); // [k, b]
        const logMeanWeight = tf.sub(tf.logSumExp(logWeights, 0), Math.log(k)); // [b]
        return tf.neg(tf.sum(logMeanWeight)) as tf.Scalar;
      });
    });
    return { value: nats / (batch.shape[0] * this.dims * LN2), kind: 'bound' };
  }

  /**
   * Ancestral samples: z from the prior, level by level, then the location
   * (mean) of the discretised logistic, clipped to the data range: [n, H, W, C] in [0, 1].
   */
  async sample(n: number, opts: VaeSampleOptions): Promise<tf.Tensor4D> {
    const temperature = opts.temperature ?? 1;
    return sampleInChunks(n, CHUNK, opts.seed, (size, seed) =>
      tf.tidy(() => {
        const { mean } = this.network.pass({ n: size, seed, temperature }); // [size, H, W, C]
        return tf.div(tf.add(tf.clipByValue(mean, -1, 1), 1), 2) as tf.Tensor4D;
      }),
    );
  }

  sampleCost(_opts: VaeSampleOptions): SampleCost {
    return { networkEvals: 1 };
  }

  async health(): Promise<RunStatus> {
    return this.monitor.status();
  }

  /** KL per level averaged over the health window (nats per image). */
  recentKlPerLevel(): number[] {
    return this.monitor.averages();
  }

  /** Parameter names in creation order (parallel to variables()). */
  parameterNames(): string[] {
    return this.store.names();
  }

  protected checkpointParts(): CheckpointParts {
    return { optimizers: { adam: this.adam }, rngs: { noise: this.noise } };
  }

  protected override checkpointExtra(): JsonValue {
    return { lossWatch: this.lossWatch.state() };
  }

  protected override restoreExtra(extra: JsonValue): void {
    this.lossWatch.restore((extra as { lossWatch?: JsonValue } | null)?.lossWatch ?? null);
  }

  private checkBatch(batch: tf.Tensor4D): void {
    const [, h, w, c] = batch.shape;
    if (batch.rank !== 4 || h !== this.shape.height || w !== this.shape.width || c !== this.shape.channels) {
      throw new UsageError(
        `${this.variant}: expected a batch [B, ${this.shape.height}, ${this.shape.width}, ${this.shape.channels}], got [${batch.shape.join(', ')}]`,
      );
    }
  }
}

function checkGeometry(variant: string, shape: ImageShape, levels: number): void {
  if (shape.height % 4 !== 0 || shape.width % 4 !== 0) {
    throw new UsageError(
      `${variant}: image sides must be divisible by 4 (the latent grid is H/4 x W/4), got ${shape.height}x${shape.width}`,
    );
  }
  if (!Number.isInteger(levels) || levels < 1 || levels > 3) {
    throw new UsageError(`${variant}: 'levels' must be 1, 2 or 3 (scales H/4, H/2, H), got ${levels}`);
  }
}

/** Runs `fn` in a tidy scope and reads its scalar back as a number. */
async function readScalar(fn: () => tf.Scalar): Promise<number> {
  const scalar = tf.tidy(fn);
  const value = (await scalar.data())[0];
  scalar.dispose();
  return value;
}

async function forChunks(batch: tf.Tensor4D, size: number, fn: (chunk: tf.Tensor4D, index: number) => Promise<void>): Promise<void> {
  const total = batch.shape[0];
  if (total <= size) {
    await fn(batch, 0);
    return;
  }
  for (let start = 0, c = 0; start < total; start += size, c++) {
    const chunk = tf.slice(batch, [start, 0, 0, 0], [Math.min(size, total - start), -1, -1, -1]) as tf.Tensor4D;
    try {
      await fn(chunk, c);
    } finally {
      chunk.dispose();
    }
  }
}
