/**
 * RealNVP/Glow-style flow as a curtain GenerativeModel (Dinh et al. 2017,
 * https://arxiv.org/abs/1605.08803; Kingma & Dhariwal 2018,
 * https://arxiv.org/abs/1807.03039).
 *
 * 8-bit x -> uniform dequantisation y = (255x + u)/256 in [0, 1) -> logit of
 * alpha + (1-2alpha) y -> RealNVP -> z ~ N(0, I). The likelihood of y is
 * exact; for the 8-bit data it is a bound (Theis et al. 2016):
 *   -log2 P(x) <= -log2 p(y) + D * 8, so bits/dim = (-log p(y)/D + log 256) / ln 2.
 */
import {
  type BitsPerDim,
  type GenerativeModel,
  type ImageShape,
  mergeConfig,
  type SampleCost,
  SeededRng,
  type StepTensors,
  type TemperatureOptions,
  tf,
  UsageError,
} from '@curtain/core';
import { dequantize } from '@curtain/data';
import { Adam, EVAL_CHUNK as CHUNK, type CheckpointParts, LN2, ParamStore, TrainableModel } from '@curtain/nn';
import { FLOW_DEFAULTS, type FlowConfig } from './config.ts';
import { RealNvp } from './realnvp.ts';

const LOG_2PI = Math.log(2 * Math.PI);
/** Seed of the dequantisation noise used by bitsPerDim, so evaluation is deterministic. */
const EVAL_NOISE_SEED = 12345;

/** The flow samples with a latent temperature (1: the model's own prior). */
export type FlowSampleOptions = TemperatureOptions;

export class FlowModel extends TrainableModel implements GenerativeModel<FlowSampleOptions> {
  readonly family = 'flow' as const;
  readonly variant = 'flow';
  readonly config: Readonly<FlowConfig>;
  protected readonly store: ParamStore;
  private readonly flow: RealNvp;
  private readonly optimizer: Adam;
  private readonly rng: SeededRng;

  constructor(
    overrides: Partial<FlowConfig>,
    readonly shape: ImageShape,
    seed: number,
  ) {
    super();
    this.config = mergeConfig(FLOW_DEFAULTS, overrides, 'flow config');
    const alpha = this.config.logitAlpha;
    if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`flow config: 'logitAlpha' must be in (0, 0.5), got ${alpha}`);
    this.rng = new SeededRng(seed);
    this.store = new ParamStore(this.rng.fork());
    this.flow = new RealNvp(this.store, shape, this.config);
    this.optimizer = new Adam(this.store.variables(), { learningRate: this.config.learningRate, clipNorm: this.config.clipNorm });
  }

  private dims(): number {
    return this.shape.height * this.shape.width * this.shape.channels;
  }

  /**
   * Dequantised y in (0, 1) -> z [B, D] and log p(y) [B] in nats, counting the
   * logit pre-processing's Jacobian: d logit(p)/dy = (1-2alpha) / (p (1-p)).
   */
  logDensity(y: tf.Tensor4D): { z: tf.Tensor2D; logp: tf.Tensor1D } {
    const alpha = this.config.logitAlpha;
    const p = tf.add(alpha, tf.mul(1 - 2 * alpha, y)); // [B, H, W, C] in [alpha, 1-alpha]
    const logitX = tf.sub(tf.log(p), tf.log1p(tf.neg(p))) as tf.Tensor4D;
    const preLogdet = tf.sum(tf.sub(Math.log(1 - 2 * alpha), tf.add(tf.log(p), tf.log1p(tf.neg(p)))), [1, 2, 3]); // [B]
    const { z, logdet } = this.flow.forward(logitX);
    const logPrior = tf.mul(-0.5, tf.sum(tf.add(tf.square(z), LOG_2PI), 1)); // [B]
    return { z, logp: tf.add(tf.add(logPrior, logdet), preLogdet) as tf.Tensor1D };
  }

  /** Dequantised y -> z [B, D] (the whole forward map, for tests). */
  encode(y: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.logDensity(y).z);
  }

  /** z [B, D] -> dequantised-space y [B, H, W, C] in [0, 1] (the inverse of encode). */
  decode(z: tf.Tensor2D): tf.Tensor4D {
    const alpha = this.config.logitAlpha;
    return tf.tidy(() => {
      const p = tf.sigmoid(this.flow.inverse(z));
      return tf.clipByValue(tf.div(tf.sub(p, alpha), 1 - 2 * alpha), 0, 1) as tf.Tensor4D;
    });
  }

  /** Bits/dim of the 8-bit batch from a dequantised y (a scalar). */
  private bitsPerDimOf(y: tf.Tensor4D): tf.Scalar {
    const nats = tf.neg(tf.mean(this.logDensity(y).logp));
    return tf.div(tf.add(tf.div(nats, this.dims()), Math.log(256)), LN2) as tf.Scalar;
  }

  /** One Adam step on the dequantised bound; loss in bits/dim. */
  trainStep(batch: tf.Tensor4D): StepTensors {
    const y = dequantize(batch, this.rng.nextSeed());
    try {
      return this.optimizer.step(() => this.bitsPerDimOf(y));
    } finally {
      y.dispose();
    }
  }

  /** A bound (uniform dequantisation, one fixed noise draw): kind 'bound'. */
  async bitsPerDim(batch: tf.Tensor4D): Promise<BitsPerDim> {
    const n = batch.shape[0];
    let total = 0;
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const bits = tf.tidy(() => {
        const part = tf.slice(batch, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
        return this.bitsPerDimOf(dequantize(part, EVAL_NOISE_SEED + start));
      });
      total += (await bits.data())[0] * size;
      bits.dispose();
    }
    return { value: total / n, kind: 'bound' };
  }

  /**
   * z ~ N(0, temperature^2 I) (seeded, in JavaScript: the same on every
   * backend), one inverse pass, then back onto the 8-bit grid: x = floor(256 y)/255.
   */
  async sample(n: number, opts: FlowSampleOptions): Promise<tf.Tensor4D> {
    const temperature = opts.temperature ?? 1;
    if (!(temperature >= 0)) throw new UsageError(`flow: temperature must be >= 0, got ${temperature}`);
    const rng = new SeededRng(opts.seed);
    const d = this.dims();
    const parts: tf.Tensor4D[] = [];
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const noise = rng.fillNormal(new Float32Array(size * d), temperature);
      parts.push(
        tf.tidy(() => {
          const y = this.decode(tf.tensor2d(noise, [size, d])); // [size, H, W, C]
          return tf.div(tf.minimum(tf.floor(tf.mul(y, 256)), 255), 255) as tf.Tensor4D;
        }),
      );
    }
    if (parts.length === 1) return parts[0];
    const all = tf.concat(parts, 0) as tf.Tensor4D;
    tf.dispose(parts);
    return all;
  }

  sampleCost(_opts: FlowSampleOptions): SampleCost {
    return { networkEvals: 1 };
  }

  protected checkpointParts(): CheckpointParts {
    return { optimizers: { adam: this.optimizer }, rngs: { rng: this.rng } };
  }

  protected override disposeOwn(): void {
    this.flow.dispose();
  }
}
