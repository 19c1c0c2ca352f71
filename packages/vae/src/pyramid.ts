/**
 * A VAE over a resolution pyramid, with or without predictive (residual) coding.
 *
 * - VAE: Kingma & Welling 2014, "Auto-Encoding Variational Bayes", https://arxiv.org/abs/1312.6114
 * - Top-down hierarchy p(z_l | z_<l): Sønderby et al. 2016 (Ladder VAE), https://arxiv.org/abs/1602.02282,
 *   and Vahdat & Kautz 2020 (NVAE), https://arxiv.org/abs/2007.03898
 * - Residual coding over scales: Burt & Adelson 1983 (Laplacian pyramid), Rao & Ballard 1999 (predictive coding)
 *
 * Level i (0 = coarsest) works at scale s_i = H / 2^(L-1-i). The top level's latent is a global
 * vector z_0 [B, 1, 1, G] under N(0, I) (a small global code carries a digit's overall shape, as in
 * the usual MNIST VAE); the levels below it are spatial, their latents on the grid g = H/4 x W/4.
 * With L = 1 (the plain VAE) the global vector is the only latent. The top-down path carries
 * features `context` and an image-space `prediction` (the upsampled output of the coarser level);
 * the model's auxiliary per-scale loss makes every coarser level's output a prediction of the
 * image at its scale (model.ts). The two codings differ in two lines:
 *   plain:      posterior sees x_i,                level output = decoded
 *   predictive: posterior sees x_i - prediction_i, level output = prediction_i + decoded
 * Everything else (layers, shapes, compute) is shared, and with L = 1 both are the plain VAE.
 */
import { type ImageShape, tf } from '@curtain/core';
import { conv2d, dense, downsample2x, gaussianKl, type Layer, type ParamStore, relu, residualBlock, upsample2x } from '@curtain/nn';

export type Coding = 'plain' | 'predictive';

export interface PyramidOptions {
  levels: number;
  width: number;
  depth: number;
  latentChannels: number;
  /** Size G of the top level's global latent vector. */
  globalLatents: number;
  coding: Coding;
}

/** What one level computed (all [B, ...] tensors; the caller disposes them or runs inside tidy). */
export interface LevelTrace {
  /** Posterior (absent on a prior pass) and prior parameters, and the latent used: [B, g, g, Z] ([B, 1, 1, G] at the top). */
  muQ?: tf.Tensor4D;
  logVarQ?: tf.Tensor4D;
  muP: tf.Tensor4D;
  logVarP: tf.Tensor4D;
  z: tf.Tensor4D;
  /** Top-down features from the coarser levels (null at the coarsest): [B, s, s, width]. */
  context: tf.Tensor4D | null;
  /** What the posterior encoded: the image at this scale (plain) or its prediction error (predictive): [B, s, s, C]. */
  target?: tf.Tensor4D;
  /** Upsampled output of the coarser level (null at the coarsest): [B, s, s, C]. */
  prediction: tf.Tensor4D | null;
  /** What the level's decoder produced from z: [B, s, s, C]. */
  decoded: tf.Tensor4D;
  /** The level's image-space output (logistic location at the last level): [B, s, s, C]. */
  output: tf.Tensor4D;
}

export interface PassResult {
  /** Logistic location and log-scale of p(x | z) in [-1, 1] space: [B, H, W, C]. */
  mean: tf.Tensor4D;
  logScale: tf.Tensor4D;
  levels: LevelTrace[];
  /** The data pyramid (posterior passes only), coarsest first: [B, s_i, s_i, C]. */
  pyramid?: tf.Tensor4D[];
}

export interface PassOptions {
  /** Data in [0, 1] for a posterior pass; omit (and give n) for a prior pass. */
  x?: tf.Tensor4D;
  n?: number;
  /** Seed of the latent noise (level i uses seed + i). */
  seed: number;
  /** Prior standard-deviation multiplier on a prior pass. */
  temperature?: number;
  /** Replace this level's decoded output by zeros (to test what a zero residual does). */
  zeroDecodedAt?: number;
}

interface LevelLayers {
  /** 2x steps between the latent grid and this level's scale. */
  ups: number;
  stem: Layer<tf.Tensor4D, tf.Tensor4D>;
  downs: Layer<tf.Tensor4D, tf.Tensor4D>[];
  encoderBlocks: Layer<tf.Tensor4D, tf.Tensor4D>[];
  posteriorHead: Layer<tf.Tensor4D, tf.Tensor4D>;
  priorHead: Layer<tf.Tensor4D, tf.Tensor4D> | null;
  predictionEmbed: Layer<tf.Tensor4D, tf.Tensor4D> | null;
  fromLatent: Layer<tf.Tensor4D, tf.Tensor4D>;
  decoderBlocks: Layer<tf.Tensor4D, tf.Tensor4D>[];
  upConvs: Layer<tf.Tensor4D, tf.Tensor4D>[];
  head: Layer<tf.Tensor4D, tf.Tensor4D>;
}

/** log-variances are kept in [-7, 7] smoothly, so exp() cannot overflow. */
const softClamp = (x: tf.Tensor4D, limit = 7): tf.Tensor4D => tf.mul(tf.tanh(tf.div(x, limit)), limit) as tf.Tensor4D;

function splitGaussian(params: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const [mu, rawLogVar] = tf.split(params, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  return [mu, softClamp(rawLogVar)];
}

/** A dense layer from the global latent [B, 1, 1, G] to a feature grid [B, g, g, width]. */
function globalToGrid(layer: Layer<tf.Tensor2D, tf.Tensor2D>, grid: [number, number, number]): Layer<tf.Tensor4D, tf.Tensor4D> {
  return {
    apply: (z) => tf.reshape(layer.apply(tf.reshape(z, [z.shape[0], -1]) as tf.Tensor2D), [z.shape[0], ...grid]) as tf.Tensor4D,
  };
}

function poolTimes(x: tf.Tensor4D, times: number): tf.Tensor4D {
  let y = x;
  for (let t = 0; t < times; t++) y = downsample2x(y);
  return y;
}

export class PyramidNetwork {
  readonly levelLayers: LevelLayers[];
  readonly latentShape: [number, number, number];

  constructor(
    store: ParamStore,
    readonly shape: ImageShape,
    readonly opts: PyramidOptions,
  ) {
    const { levels, width: c, depth, latentChannels: zc, globalLatents: zg } = opts;
    const ch = shape.channels;
    const [gh, gw] = [shape.height / 4, shape.width / 4];
    this.latentShape = [gh, gw, zc];
    this.levelLayers = [];
    for (let i = 0; i < levels; i++) {
      const name = `level${i}`;
      const ups = i + 3 - levels;
      const last = i === levels - 1;
      const top = i === 0;
      const conv = (part: string, inChannels: number, outChannels: number, extra: Partial<Parameters<typeof conv2d>[2]> = {}) =>
        conv2d(store, `${name}/${part}`, { kernel: 3, inChannels, outChannels, ...extra });
      const range = (n: number) => Array.from({ length: n }, (_, k) => k);
      this.levelLayers.push({
        ups,
        // bottom-up (posterior) side
        stem: conv('enc/stem', ch, c),
        downs: range(ups).map((k) => conv(`enc/down${k}`, c, c, { stride: 2 })),
        encoderBlocks: range(depth).map((k) => residualBlock(store, `${name}/enc/block${k}`, c)),
        // the top level's posterior reads the whole grid (a dense layer as a valid convolution): [B, 1, 1, 2G]
        posteriorHead: top
          ? conv2d(store, `${name}/posterior`, { kernel: gh, inChannels: c, outChannels: 2 * zg, padding: 'valid', init: 'glorot' })
          : conv('posterior', 2 * c, 2 * zc, { init: 'glorot' }),
        // top-down (generative) side
        priorHead: i > 0 ? conv('prior', c, 2 * zc, { init: { normal: 1e-3 } }) : null,
        predictionEmbed: i > 0 ? conv2d(store, `${name}/embed`, { kernel: 1, inChannels: ch, outChannels: c }) : null,
        fromLatent: top
          ? globalToGrid(dense(store, `${name}/dec/from_latent`, zg, gh * gw * c), [gh, gw, c])
          : conv('dec/from_latent', zc, c),
        decoderBlocks: range(depth).map((k) => residualBlock(store, `${name}/dec/block${k}`, c)),
        upConvs: range(ups).map((k) => conv(`dec/up${k}`, c, c)),
        head: conv('dec/head', c, last ? 2 * ch : ch, { init: { normal: 1e-3 } }),
      });
    }
  }

  get levels(): number {
    return this.opts.levels;
  }

  /** The latent shape of level i: the global vector [1, 1, G] at the top, the grid [g, g, Z] below. */
  latentShapeAt(i: number): [number, number, number] {
    return i === 0 ? [1, 1, this.opts.globalLatents] : this.latentShape;
  }

  /** The data pyramid in [-1, 1] space, coarsest first: level i is [B, s_i, s_i, C]. */
  imagePyramid(x01: tf.Tensor4D): tf.Tensor4D[] {
    const pyramid = [tf.sub(tf.mul(x01, 2), 1) as tf.Tensor4D]; // [B, H, W, C]
    for (let i = 1; i < this.levels; i++) pyramid.unshift(downsample2x(pyramid[0])); // [B, H/2^i, W/2^i, C]
    return pyramid;
  }

  /** q's input features at level i: [B, s, s, C] -> [B, g, g, width]. */
  encode(i: number, target: tf.Tensor4D): tf.Tensor4D {
    const layers = this.levelLayers[i];
    let h = relu(layers.stem.apply(target)) as tf.Tensor4D; // [B, s, s, width]
    for (const down of layers.downs) h = relu(down.apply(h)) as tf.Tensor4D; // [B, s/2, s/2, width] ...
    for (const block of layers.encoderBlocks) h = block.apply(h); // [B, g, g, width]
    return h;
  }

  /** q(z_i | target_i, z_<i): target [B, s, s, C] and context [B, s, s, width] -> mean, log-variance [B, g, g, Z] ([B, 1, 1, G] at the top). */
  posterior(i: number, target: tf.Tensor4D, context: tf.Tensor4D | null): [tf.Tensor4D, tf.Tensor4D] {
    const layers = this.levelLayers[i];
    const features = this.encode(i, target); // [B, g, g, width]
    const input = context ? (tf.concat([features, poolTimes(context, layers.ups)], 3) as tf.Tensor4D) : features; // [B, g, g, width or 2 width]
    return splitGaussian(layers.posteriorHead.apply(input)); // [B, g, g, Z] x2
  }

  /**
   * The residual decoder of level i: z [B, g, g, Z] and the top-down context
   * [B, s, s, width] (null at the coarsest level) -> features [B, s, s, width] and
   * the decoded image-space output [B, s, s, C] (2C channels at the last level: location, log-scale).
   */
  decode(
    i: number,
    z: tf.Tensor4D,
    context: tf.Tensor4D | null,
    contextOnGrid: tf.Tensor4D | null,
  ): { features: tf.Tensor4D; decoded: tf.Tensor4D } {
    const layers = this.levelLayers[i];
    let h = layers.fromLatent.apply(z); // [B, g, g, width]
    if (contextOnGrid) h = tf.add(h, contextOnGrid) as tf.Tensor4D;
    for (const block of layers.decoderBlocks) h = block.apply(h); // [B, g, g, width]
    for (const up of layers.upConvs) h = relu(up.apply(upsample2x(h))) as tf.Tensor4D; // [B, 2g, 2g, width] ...
    if (context) h = tf.add(h, context) as tf.Tensor4D; // [B, s, s, width]
    const decoded = layers.head.apply(relu(h) as tf.Tensor4D); // [B, s, s, C or 2C]
    return { features: h, decoded };
  }

  /**
   * One top-down pass through all levels: with `x`, latents come from the
   * posterior q(z_i | target_i, z_<i); without, from the prior p(z_i | z_<i).
   */
  pass(opts: PassOptions): PassResult {
    const { x, seed, temperature = 1, zeroDecodedAt } = opts;
    const batch = x ? x.shape[0] : (opts.n ?? 0);
    const ch = this.shape.channels;
    const predictive = this.opts.coding === 'predictive';
    const pyramid = x ? this.imagePyramid(x) : null;
    const traces: LevelTrace[] = [];
    let context: tf.Tensor4D | null = null; // [B, s, s, width]
    let prediction: tf.Tensor4D | null = null; // [B, s, s, C]
    let logScale: tf.Tensor4D | null = null;
    for (let i = 0; i < this.levels; i++) {
      const layers = this.levelLayers[i];
      const latent = [batch, ...this.latentShapeAt(i)] as [number, number, number, number]; // [B, 1, 1, G] or [B, g, g, Z]
      const contextOnGrid = context ? poolTimes(context, layers.ups) : null; // [B, g, g, width]
      const [muP, logVarP] =
        contextOnGrid && layers.priorHead
          ? splitGaussian(layers.priorHead.apply(contextOnGrid)) // [B, g, g, Z] x2
          : [tf.zeros(latent) as tf.Tensor4D, tf.zeros(latent) as tf.Tensor4D];
      const eps = tf.randomNormal(latent, 0, 1, 'float32', seed + i) as tf.Tensor4D; // [B, g, g, Z]
      let trace: Pick<LevelTrace, 'muQ' | 'logVarQ' | 'muP' | 'logVarP' | 'z' | 'target'>;
      if (pyramid) {
        // the one place the codings differ on the way up: what the posterior sees
        const target = predictive && prediction ? (tf.sub(pyramid[i], prediction) as tf.Tensor4D) : pyramid[i]; // [B, s, s, C]
        const [muQ, logVarQ] = this.posterior(i, target, context); // [B, g, g, Z] x2
        const z = tf.add(muQ, tf.mul(tf.exp(tf.mul(logVarQ, 0.5)), eps)) as tf.Tensor4D; // [B, g, g, Z]
        trace = { muQ, logVarQ, muP, logVarP, z, target };
      } else {
        const z = tf.add(muP, tf.mul(tf.exp(tf.mul(logVarP, 0.5)), tf.mul(eps, temperature))) as tf.Tensor4D; // [B, g, g, Z]
        trace = { muP, logVarP, z };
      }
      const { features, decoded: raw } = this.decode(i, trace.z, context, contextOnGrid);
      const last = i === this.levels - 1;
      let decoded = last ? (tf.slice(raw, [0, 0, 0, 0], [-1, -1, -1, ch]) as tf.Tensor4D) : raw; // [B, s, s, C]
      if (last) logScale = tf.slice(raw, [0, 0, 0, ch], [-1, -1, -1, ch]) as tf.Tensor4D; // [B, H, W, C]
      if (zeroDecodedAt === i) decoded = tf.zerosLike(decoded);
      // ... and on the way down: whether the decoded output is added to the prediction
      const output = predictive && prediction ? (tf.add(prediction, decoded) as tf.Tensor4D) : decoded; // [B, s, s, C]
      traces.push({ ...trace, context, prediction, decoded, output });
      if (!last) {
        const next = this.levelLayers[i + 1];
        prediction = upsample2x(output); // [B, 2s, 2s, C]
        context = tf.add(upsample2x(features), (next.predictionEmbed as Layer<tf.Tensor4D, tf.Tensor4D>).apply(prediction)) as tf.Tensor4D; // [B, 2s, 2s, width]
      }
    }
    return { mean: traces[traces.length - 1].output, logScale: logScale as tf.Tensor4D, levels: traces, pyramid: pyramid ?? undefined };
  }
}

/** Analytic KL(q || p) of each level, summed per image: one [B] tensor per level. */
export function levelKls(levels: LevelTrace[]): tf.Tensor1D[] {
  return levels.map((level) => {
    if (!level.muQ || !level.logVarQ) throw new Error('levelKls needs a posterior pass');
    return tf.sum(gaussianKl(level.muQ, level.logVarQ, level.muP, level.logVarP), [1, 2, 3]) as tf.Tensor1D; // [B]
  });
}
