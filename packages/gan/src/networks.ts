// DCGAN-style networks (Radford et al. 2016, https://arxiv.org/abs/1511.06434), without batch
// normalisation: the generator maps z through a dense layer to an H/4 x W/4 map and two
// stride-2 transposed convolutions up to H x W; the discriminator mirrors it with stride-2
// convolutions and a dense logit. Sides must be divisible by 4 (28 -> 14 -> 7).
import { type ImageShape, tf } from '@curtain/core';
import { conv2d, convTranspose2d, dense, type Layer, type ParamStore, relu } from '@curtain/nn';

export type Net<I extends tf.Tensor, O extends tf.Tensor> = (x: I) => O;

export interface NetOptions {
  width: number;
  depth: number;
  latentDim: number;
}

/**
 * Leaky ReLU with slope 0.2, written as 0.6 x + 0.4 |x| so that its gradient
 * is itself differentiable in tfjs (tf.leakyRelu's gradient uses Greater,
 * which has no gradient), as the R1 penalty needs a gradient of a gradient.
 */
export function leaky<T extends tf.Tensor>(x: T): T {
  return tf.add(tf.mul(x, 0.6), tf.mul(tf.abs(x), 0.4)) as T;
}

function extraConvs(store: ParamStore, name: string, channels: number, count: number): Layer<tf.Tensor4D, tf.Tensor4D>[] {
  return Array.from({ length: count }, (_, i) =>
    conv2d(store, `${name}/conv${i}`, { kernel: 3, inChannels: channels, outChannels: channels }),
  );
}

/** z [B, latentDim] -> images [B, H, W, C] in [0, 1] */
export function buildGenerator(store: ParamStore, shape: ImageShape, opts: NetOptions): Net<tf.Tensor2D, tf.Tensor4D> {
  const { width, depth, latentDim } = opts;
  const [h4, w4] = [shape.height / 4, shape.width / 4];
  const project = dense(store, 'g/project', latentDim, h4 * w4 * 2 * width);
  const low = extraConvs(store, 'g/low', 2 * width, depth - 1);
  const up1 = convTranspose2d(store, 'g/up1', { kernel: 4, inChannels: 2 * width, outChannels: width });
  const mid = extraConvs(store, 'g/mid', width, depth - 1);
  const up2 = convTranspose2d(store, 'g/up2', { kernel: 4, inChannels: width, outChannels: shape.channels, init: 'glorot' });
  return (z) => {
    let h = relu(tf.reshape(project.apply(z), [z.shape[0], h4, w4, 2 * width])) as tf.Tensor4D; // [B, H/4, W/4, 2w]
    for (const conv of low) h = relu(conv.apply(h));
    h = relu(up1.apply(h)); // [B, H/2, W/2, w]
    for (const conv of mid) h = relu(conv.apply(h));
    return tf.sigmoid(tf.mul(up2.apply(h), 2)) as tf.Tensor4D; // [B, H, W, C]; sigmoid(2a) = (tanh(a) + 1) / 2
  };
}

/** images [B, H, W, C] in [0, 1] -> logits [B] */
export function buildDiscriminator(store: ParamStore, shape: ImageShape, opts: NetOptions): Net<tf.Tensor4D, tf.Tensor1D> {
  const { width, depth } = opts;
  const [h4, w4] = [shape.height / 4, shape.width / 4];
  const down1 = conv2d(store, 'd/down1', { kernel: 4, stride: 2, inChannels: shape.channels, outChannels: width });
  const mid = extraConvs(store, 'd/mid', width, depth - 1);
  const down2 = conv2d(store, 'd/down2', { kernel: 4, stride: 2, inChannels: width, outChannels: 2 * width });
  const low = extraConvs(store, 'd/low', 2 * width, depth - 1);
  const logit = dense(store, 'd/logit', h4 * w4 * 2 * width, 1, 'glorot');
  return (x) => {
    let h = leaky(down1.apply(tf.sub(tf.mul(x, 2), 1) as tf.Tensor4D)); // [B, H/2, W/2, w]
    for (const conv of mid) h = leaky(conv.apply(h));
    h = leaky(down2.apply(h)); // [B, H/4, W/4, 2w]
    for (const conv of low) h = leaky(conv.apply(h));
    return tf.reshape(logit.apply(tf.reshape(h, [x.shape[0], h4 * w4 * 2 * width])), [x.shape[0]]); // [B]
  };
}
