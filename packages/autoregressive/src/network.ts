/**
 * Gated PixelCNN (van den Oord et al. 2016: "Pixel Recurrent Neural Networks",
 * https://arxiv.org/abs/1601.06759, and "Conditional Image Generation with
 * PixelCNN Decoders", https://arxiv.org/abs/1606.05328).
 *
 * Two stacks remove the blind spot of a single masked stack:
 * - vertical: output (r, c) sees rows <= r (any nearby column); it only ever
 *   reaches the horizontal stack shifted down one row, so rows < r;
 * - horizontal: output (r, c) sees row r, columns < c in the first layer
 *   (mask A: the pixel itself is hidden) and columns <= c after (mask B).
 * The head is two 1x1 convs to a 256-way (config.levels) softmax per pixel.
 */
import { tf } from '@curtain/core';
import { gatedTanh, type Init, type Layer, type ParamStore, pointwise, relu } from '@curtain/nn';
import { horizontalConv, shiftDown, shiftRight, verticalConv } from './causal.ts';
import type { PixelCnnConfig } from './config.ts';

type Layer4D = Layer<tf.Tensor4D, tf.Tensor4D>;

interface GatedLayer {
  vertical: Layer4D;
  horizontal: Layer4D;
  /** 1x1 conv 2F -> 2F carrying the (shifted) vertical pre-activations into the horizontal stack. */
  link: Layer4D;
  /** 1x1 conv F -> F on the gated horizontal output before the residual add (absent in layer 0). */
  out?: Layer4D;
}

export class PixelCnnNetwork {
  private readonly layers: GatedLayer[] = [];
  private readonly hidden: Layer4D;
  private readonly toLogits: Layer4D;
  /** Output row r depends on input rows r - rowReach .. r only (used to crop while sampling). */
  readonly rowReach: number;
  /** Within its row, output column c depends on input columns c - colReach .. c only. */
  readonly colReach: number;
  private readonly width: number;

  constructor(store: ParamStore, config: Pick<PixelCnnConfig, 'width' | 'depth' | 'levels' | 'firstKernel'>) {
    const { width: f, depth, levels, firstKernel: k } = config;
    if (k % 2 !== 1 || k < 3) throw new Error(`firstKernel must be odd and >= 3, got ${k}`);
    const half = (k - 1) / 2;
    const init: Init = 'glorot';
    const link = (name: string) => pointwise(store, name, { inChannels: 2 * f, outChannels: 2 * f, init, bias: false });
    // layer 0: vertical (half+1) x k over rows r-half..r; horizontal 1 x half over columns c-half..c-1 (mask A)
    this.layers.push({
      vertical: verticalConv(store, 'layer0/vertical', { kernel: [half + 1, k], inChannels: 1, outChannels: 2 * f, init }),
      horizontal: horizontalConv(store, 'layer0/horizontal', { kernel: [1, half], inChannels: 1, outChannels: 2 * f, init }),
      link: link('layer0/link'),
    });
    // blocks: vertical 2 x 3 and horizontal 1 x 2 (mask B), residual horizontal stack
    for (let i = 1; i <= depth; i++) {
      this.layers.push({
        vertical: verticalConv(store, `layer${i}/vertical`, { kernel: [2, 3], inChannels: f, outChannels: 2 * f, init }),
        horizontal: horizontalConv(store, `layer${i}/horizontal`, { kernel: [1, 2], inChannels: f, outChannels: 2 * f, init }),
        link: link(`layer${i}/link`),
        out: pointwise(store, `layer${i}/out`, { inChannels: f, outChannels: f, init }),
      });
    }
    this.hidden = pointwise(store, 'head/hidden', { inChannels: f, outChannels: f, init: 'he' });
    this.toLogits = pointwise(store, 'head/logits', { inChannels: f, outChannels: levels, init: { normal: 0.01 } });
    this.rowReach = half + depth + 1;
    this.colReach = half + depth;
    this.width = f;
  }

  /** The horizontal stack's last features: x [B, H, W, 1] in [-1, 1] -> [B, H, W, F]. */
  features(x: tf.Tensor4D): tf.Tensor4D {
    let v = x; // [B, H, W, 1]
    let h = x;
    this.layers.forEach((layer, i) => {
      const vPre = layer.vertical.apply(v); // [B, H, W, 2F]
      const hIn = i === 0 ? shiftRight(h) : h; // mask A on the first layer
      const hPre = tf.add(layer.horizontal.apply(hIn), layer.link.apply(shiftDown(vPre))) as tf.Tensor4D; // [B, H, W, 2F]
      v = gatedTanh(vPre); // [B, H, W, F]
      const hGated = gatedTanh(hPre); // [B, H, W, F]
      h = layer.out ? (tf.add(h, layer.out.apply(hGated)) as tf.Tensor4D) : hGated;
    });
    return h;
  }

  /** Unnormalised log-probabilities of each level: features [..., F] -> [..., levels]. */
  logitsFromFeatures(h: tf.Tensor4D): tf.Tensor4D {
    const a = relu(this.hidden.apply(relu(h))); // [B, H, W, F]
    return this.toLogits.apply(a); // [B, H, W, levels]
  }

  /** x [B, H, W, 1] in [-1, 1] -> logits [B, H, W, levels] of p(x_rc | pixels before rc). */
  logits(x: tf.Tensor4D): tf.Tensor4D {
    return this.logitsFromFeatures(this.features(x));
  }

  /**
   * What the vertical stack hands row r while sampling: each layer's link term
   * link(vPre[r - 1]), computed once per row from rows r - rowReach .. r - 1
   * (those are final before row r is sampled). One [B, 1, W, 2F] per layer.
   * x [B, H, W, 1] in [-1, 1]
   */
  rowContext(x: tf.Tensor4D, r: number): tf.Tensor4D[] {
    const [batch, , w] = x.shape;
    if (r === 0) return this.layers.map(() => tf.zeros([batch, 1, w, 2 * this.width]) as tf.Tensor4D); // the link has no bias
    const top = Math.max(0, r - this.rowReach);
    let v = tf.slice(x, [0, top, 0, 0], [batch, r - top, w, 1]); // [B, r-top, W, 1]
    return this.layers.map((layer) => {
      const vPre = layer.vertical.apply(v); // [B, r-top, W, 2F]
      v = gatedTanh(vPre);
      return layer.link.apply(tf.slice(vPre, [0, r - top - 1, 0, 0], [batch, 1, w, -1])); // [B, 1, W, 2F]
    });
  }

  /**
   * Logits of pixel (r, c) from row r's columns c - colReach .. c and the row's
   * context: the same numbers as logits(x)[:, r, c], without recomputing the
   * vertical stack for every pixel. row [B, 1, W, 1] -> [B, levels]
   */
  logitsInRow(row: tf.Tensor4D, c: number, context: tf.Tensor4D[]): tf.Tensor2D {
    const batch = row.shape[0];
    const left = Math.max(0, c - this.colReach);
    const span = c - left + 1;
    let h = tf.slice(row, [0, 0, left, 0], [batch, 1, span, 1]); // [B, 1, span, 1]
    this.layers.forEach((layer, i) => {
      const hIn = i === 0 ? shiftRight(h) : h;
      const link = tf.slice(context[i], [0, 0, left, 0], [batch, 1, span, -1]); // [B, 1, span, 2F]
      const hGated = gatedTanh(tf.add(layer.horizontal.apply(hIn), link) as tf.Tensor4D); // [B, 1, span, F]
      h = layer.out ? (tf.add(h, layer.out.apply(hGated)) as tf.Tensor4D) : hGated;
    });
    const pixel = tf.slice(h, [0, 0, span - 1, 0], [batch, 1, 1, -1]); // [B, 1, 1, F]
    return tf.reshape(this.logitsFromFeatures(pixel), [batch, -1]) as tf.Tensor2D; // [B, levels]
  }
}
