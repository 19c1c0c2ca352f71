/**
 * PixelCNN as a curtain GenerativeModel (van den Oord et al. 2016,
 * https://arxiv.org/abs/1601.06759; gated stacks from
 * https://arxiv.org/abs/1606.05328). Exact likelihood: a product of per-pixel
 * categoricals over `levels` intensities (256 for 8-bit data), trained by
 * maximum likelihood; sampling is ancestral, pixel by pixel in raster order.
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
import { Adam, EVAL_CHUNK as CHUNK, type CheckpointParts, LN2, ParamStore, softmaxCrossEntropy, TrainableModel } from '@curtain/nn';
import { PIXELCNN_DEFAULTS, type PixelCnnConfig } from './config.ts';
import { PixelCnnNetwork } from './network.ts';

/** PixelCNN samples with a softmax temperature (1: the model's own distribution). */
export type PixelCnnSampleOptions = TemperatureOptions;

export class PixelCnnModel extends TrainableModel implements GenerativeModel<PixelCnnSampleOptions> {
  readonly family = 'autoregressive' as const;
  readonly variant = 'pixelcnn';
  readonly config: Readonly<PixelCnnConfig>;
  protected readonly store: ParamStore;
  private readonly network: PixelCnnNetwork;
  private readonly optimizer: Adam;

  constructor(
    overrides: Partial<PixelCnnConfig>,
    readonly shape: ImageShape,
    seed: number,
  ) {
    super();
    this.config = mergeConfig(PIXELCNN_DEFAULTS, overrides, 'pixelcnn config');
    if (shape.channels !== 1) throw new UsageError(`pixelcnn: expected 1 channel (grayscale), got ${shape.channels}`);
    if (!Number.isInteger(this.config.levels) || this.config.levels < 2 || this.config.levels > 256) {
      throw new UsageError(`pixelcnn config: 'levels' must be an integer in 2..256, got ${this.config.levels}`);
    }
    this.store = new ParamStore(new SeededRng(seed));
    this.network = new PixelCnnNetwork(this.store, this.config);
    this.optimizer = new Adam(this.store.variables(), {
      learningRate: this.config.learningRate,
      clipNorm: this.config.clipNorm,
    });
  }

  /** x [B, H, W, 1] in [0, 1] -> level indices [B*H*W] (int32) and network input in [-1, 1]. */
  private encode(batch: tf.Tensor4D): { levels: tf.Tensor1D; input: tf.Tensor4D } {
    const top = this.config.levels - 1;
    const index = tf.round(tf.mul(tf.clipByValue(batch, 0, 1), top)); // [B, H, W, 1]
    return {
      levels: tf.cast(tf.reshape(index, [-1]), 'int32') as tf.Tensor1D,
      input: tf.sub(tf.mul(index, 2 / top), 1) as tf.Tensor4D,
    };
  }

  /** Negative log-likelihood of every image, nats: [B, H, W, 1] -> [B]. */
  private nllPerImage(batch: tf.Tensor4D): tf.Tensor1D {
    const [b] = batch.shape;
    const { levels, input } = this.encode(batch);
    const logits = this.network.logits(input); // [B, H, W, levels]
    const nll = softmaxCrossEntropy(tf.reshape(logits, [-1, this.config.levels]) as tf.Tensor2D, levels); // [B*H*W]
    return tf.sum(tf.reshape(nll, [b, -1]), 1) as tf.Tensor1D; // [B]
  }

  /** log p(x) in nats for every image of the batch (exact). [B, H, W, 1] -> [B] */
  logProb(batch: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => tf.neg(this.nllPerImage(batch)) as tf.Tensor1D);
  }

  private dims(): number {
    return this.shape.height * this.shape.width * this.shape.channels;
  }

  /** One Adam step on the negative log-likelihood; loss in bits/dim. */
  trainStep(batch: tf.Tensor4D): StepTensors {
    return this.optimizer.step(() => tf.div(tf.mean(this.nllPerImage(batch)), this.dims() * LN2) as tf.Scalar);
  }

  async bitsPerDim(batch: tf.Tensor4D): Promise<BitsPerDim> {
    const n = batch.shape[0];
    let totalNats = 0;
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const nats = tf.tidy(() => tf.sum(this.nllPerImage(tf.slice(batch, [start, 0, 0, 0], [size, -1, -1, -1]))));
      totalNats += (await nats.data())[0];
      nats.dispose();
    }
    return { value: totalNats / (n * this.dims() * LN2), kind: 'exact' };
  }

  /**
   * Ancestral sampling in raster order: H*W network evaluations per batch. The
   * vertical stack runs once per row on the rows that reach it (rowContext);
   * each pixel then runs the horizontal stack on the columns that reach it
   * (logitsInRow). Same conditionals as the full network, at a fraction of the cost.
   */
  async sample(n: number, opts: PixelCnnSampleOptions): Promise<tf.Tensor4D> {
    const rng = new SeededRng(opts.seed);
    const temperature = opts.temperature ?? 1;
    if (!(temperature > 0)) throw new UsageError(`pixelcnn: temperature must be > 0, got ${temperature}`);
    const { height: h, width: w } = this.shape;
    const out = new Float32Array(n * h * w);
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const canvas = await this.sampleChunk(size, temperature, rng); // levels in [-1, 1] network scale
      for (let i = 0; i < canvas.length; i++) out[start * h * w + i] = (canvas[i] + 1) / 2;
    }
    return tf.tensor4d(out, [n, h, w, 1]);
  }

  private async sampleChunk(n: number, temperature: number, rng: SeededRng): Promise<Float32Array> {
    const { height: h, width: w } = this.shape;
    const levels = this.config.levels;
    const canvas = new Float32Array(n * h * w); // network input scale [-1, 1]; 0 where not yet sampled
    for (let r = 0; r < h; r++) {
      const context = tf.tidy(() => this.network.rowContext(tf.tensor4d(canvas, [n, h, w, 1]), r)); // per layer [n, 1, W, 2F]
      const row = new Float32Array(n * w); // row r so far, network scale
      for (let c = 0; c < w; c++) {
        const probsTensor = tf.tidy(() =>
          tf.softmax(tf.div(this.network.logitsInRow(tf.tensor4d(row, [n, 1, w, 1]), c, context), temperature)),
        ); // [n, levels]
        const probs = (await probsTensor.data()) as Float32Array;
        probsTensor.dispose();
        for (let i = 0; i < n; i++) {
          let u = rng.uniform();
          let level = levels - 1;
          for (let k = 0; k < levels; k++) {
            u -= probs[i * levels + k];
            if (u < 0) {
              level = k;
              break;
            }
          }
          const value = (level / (levels - 1)) * 2 - 1;
          row[i * w + c] = value;
          canvas[i * h * w + r * w + c] = value;
        }
      }
      tf.dispose(context);
    }
    return canvas;
  }

  sampleCost(_opts: PixelCnnSampleOptions): SampleCost {
    return { networkEvals: this.shape.height * this.shape.width };
  }

  /** The network's logits for a batch in [0, 1] (tests: causality). [B, H, W, 1] -> [B, H, W, levels] */
  logits(batch: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.network.logits(this.encode(batch).input));
  }

  /** The raw network, for tests that differentiate it. */
  get net(): PixelCnnNetwork {
    return this.network;
  }

  protected checkpointParts(): CheckpointParts {
    return { optimizers: { adam: this.optimizer }, rngs: {} };
  }
}
