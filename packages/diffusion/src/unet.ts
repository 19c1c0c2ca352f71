// An epsilon-predicting U-Net for DDPM (Ho et al. 2020, https://arxiv.org/abs/2006.11239),
// shrunk for 28x28 on CPU: two resolutions down (H -> H/2 -> H/4) and back with
// skip connections, residual blocks with an additive time embedding, no
// attention and no normalisation (small widths train stably without them).
import { tf, UsageError } from '@curtain/core';
import { conv2d, dense, downsample2x, type Layer, type ParamStore, silu, upsample2x } from '@curtain/nn';

export interface UNetOptions {
  width: number;
  depth: number;
  channels: number;
  /** Width of the sinusoidal features fed to the time MLP. */
  timeDim: number;
}

/** eps(x_t [B, H, W, C], timeFeatures [B or 1, timeDim]) -> [B, H, W, C] */
export type EpsNetwork = (x: tf.Tensor4D, time: tf.Tensor2D) => tf.Tensor4D;

interface TimeBlock {
  apply(x: tf.Tensor4D, emb: tf.Tensor2D): tf.Tensor4D;
}

/** x + conv(silu(conv(silu(x)) + dense(emb))): [B, H, W, C] -> [B, H, W, C] */
function timeResidualBlock(store: ParamStore, name: string, channels: number, embDim: number): TimeBlock {
  const first = conv2d(store, `${name}/conv1`, { kernel: 3, inChannels: channels, outChannels: channels });
  const second = conv2d(store, `${name}/conv2`, { kernel: 3, inChannels: channels, outChannels: channels, init: { normal: 1e-3 } });
  const timeBias = dense(store, `${name}/time`, embDim, channels, 'zeros');
  return {
    apply: (x, emb) => {
      const bias = tf.reshape(timeBias.apply(emb), [emb.shape[0], 1, 1, channels]); // [B, 1, 1, C]
      const h = tf.add(first.apply(silu(x)), bias) as tf.Tensor4D; // [B, H, W, C]
      return tf.add(x, second.apply(silu(h))) as tf.Tensor4D;
    },
  };
}

export function buildUNet(store: ParamStore, opts: UNetOptions): EpsNetwork {
  const { width, depth, channels, timeDim } = opts;
  if (width < 1 || depth < 1) throw new UsageError(`U-Net width and depth must be >= 1, got ${width}, ${depth}`);
  const [c1, c2] = [width, 2 * width];
  const embDim = 2 * width;
  const time1 = dense(store, 'time/dense1', timeDim, embDim);
  const time2 = dense(store, 'time/dense2', embDim, embDim);
  const input = conv2d(store, 'in', { kernel: 3, inChannels: channels, outChannels: c1 });
  const blocks = (prefix: string, c: number) =>
    Array.from({ length: depth }, (_, i) => timeResidualBlock(store, `${prefix}/block${i}`, c, embDim));
  const down1 = blocks('down1', c1);
  const widen: Layer<tf.Tensor4D, tf.Tensor4D> = conv2d(store, 'down1/widen', { kernel: 1, inChannels: c1, outChannels: c2 });
  const down2 = blocks('down2', c2);
  const middle = blocks('middle', c2);
  const merge2 = conv2d(store, 'up2/merge', { kernel: 1, inChannels: 2 * c2, outChannels: c2 });
  const up2 = blocks('up2', c2);
  const merge1 = conv2d(store, 'up1/merge', { kernel: 1, inChannels: c2 + c1, outChannels: c1 });
  const up1 = blocks('up1', c1);
  const output = conv2d(store, 'out', { kernel: 3, inChannels: c1, outChannels: channels, init: 'zeros' });
  const run = (stack: TimeBlock[], x: tf.Tensor4D, emb: tf.Tensor2D) => stack.reduce((h, block) => block.apply(h, emb), x);

  return (x, time) => {
    const emb = time2.apply(silu(time1.apply(time))); // [B, 2w]
    const h1 = run(down1, input.apply(x), emb); // [B, H, W, w]
    const h2 = run(down2, widen.apply(downsample2x(h1)), emb); // [B, H/2, W/2, 2w]
    const mid = run(middle, downsample2x(h2), emb); // [B, H/4, W/4, 2w]
    const u2 = run(up2, merge2.apply(tf.concat([upsample2x(mid), h2], 3)), emb); // [B, H/2, W/2, 2w]
    const u1 = run(up1, merge1.apply(tf.concat([upsample2x(u2), h1], 3)), emb); // [B, H, W, w]
    return output.apply(silu(u1)); // [B, H, W, C]
  };
}
