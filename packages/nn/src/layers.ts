import { tf } from '@curtain/core';
import { FUSED_KERNELS, fusedUnary, hasKernels } from './fused.ts';
import type { Init, ParamStore } from './params.ts';

/** A layer is its parameters plus a pure function of its input. */
export interface Layer<I extends tf.Tensor = tf.Tensor, O extends tf.Tensor = tf.Tensor> {
  apply(x: I): O;
}

/** x [B, in] -> [B, out] */
export function dense(
  store: ParamStore,
  name: string,
  inUnits: number,
  outUnits: number,
  init: Init = 'he',
): Layer<tf.Tensor2D, tf.Tensor2D> {
  const w = store.create(`${name}/w`, [inUnits, outUnits], init);
  const b = store.create(`${name}/b`, [outUnits], 'zeros');
  return { apply: (x) => tf.add(tf.matMul(x, w), b) as tf.Tensor2D };
}

/** Zeros placed around the input inside the convolution: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

export interface ConvOptions {
  /** Square side, or [height, width]. */
  kernel: number | [number, number];
  inChannels: number;
  outChannels: number;
  stride?: number;
  padding?: 'same' | 'valid' | ExplicitPadding;
  init?: Init;
  /** Multiplied into the filter on every call (masked convolutions); [k, k, in, out]. */
  mask?: tf.Tensor4D;
  bias?: boolean;
}

const FUSED_CONV = 'FusedConv2D';

/** x [B, H, W, in] -> [B, H/stride, W/stride, out] */
export function conv2d(store: ParamStore, name: string, opts: ConvOptions): Layer<tf.Tensor4D, tf.Tensor4D> {
  const { kernel, inChannels, outChannels, stride = 1, padding = 'same', init = 'he', mask, bias = true } = opts;
  const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
  const w = store.create(`${name}/w`, [kh, kw, inChannels, outChannels], init);
  const b = bias ? store.create(`${name}/b`, [outChannels], 'zeros') : undefined;
  return {
    apply: (x) => {
      const filter = mask ? (tf.mul(w, mask) as tf.Tensor4D) : (w as unknown as tf.Tensor4D);
      if (b && !tf.engine().isTapeOn() && hasKernels(FUSED_CONV)) {
        // no gradient recorded (sampling, evaluation): convolution and bias in one kernel, the same sums
        const attrs = { strides: stride, pad: padding, dataFormat: 'NHWC', dilations: 1, activation: 'linear' };
        return tf.engine().runKernel(FUSED_CONV, { x, filter, bias: b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
      }
      const y = tf.conv2d(x, filter, stride, padding);
      return (b ? tf.add(y, b) : y) as tf.Tensor4D;
    },
  };
}

/**
 * A 1x1 convolution as one matrix product, [B, H, W, in] -> [B, H, W, out]
 * (tfjs's cpu Conv2DBackpropFilter is a slow loop; MatMul and its gradient
 * are not). The weight is [in, out].
 */
export function pointwise(
  store: ParamStore,
  name: string,
  opts: Pick<ConvOptions, 'inChannels' | 'outChannels' | 'init' | 'bias'>,
): Layer<tf.Tensor4D, tf.Tensor4D> {
  const { inChannels, outChannels, init = 'he', bias = true } = opts;
  const w = store.create(`${name}/w`, [inChannels, outChannels], init);
  const b = bias ? store.create(`${name}/b`, [outChannels], 'zeros') : undefined;
  return {
    apply: (x) => {
      const [batch, h, wd] = x.shape;
      const flat = tf.matMul(tf.reshape(x, [batch * h * wd, inChannels]), w); // [B*H*W, out]
      return tf.reshape(b ? tf.add(flat, b) : flat, [batch, h, wd, outChannels]);
    },
  };
}

/** x [B, H, W, in] -> [B, H*stride, W*stride, out] (a transposed convolution, SAME padding). */
export function convTranspose2d(
  store: ParamStore,
  name: string,
  opts: Omit<ConvOptions, 'mask' | 'padding' | 'kernel'> & { kernel: number },
): Layer<tf.Tensor4D, tf.Tensor4D> {
  const { kernel, inChannels, outChannels, stride = 2, init = 'he' } = opts;
  // tfjs stores transposed-conv filters as [k, k, out, in]
  const w = store.create(`${name}/w`, [kernel, kernel, outChannels, inChannels], init);
  const b = store.create(`${name}/b`, [outChannels], 'zeros');
  return {
    apply: (x) => {
      const [batch, h, wd] = x.shape;
      const y = tf.conv2dTranspose(x, w as unknown as tf.Tensor4D, [batch, h * stride, wd * stride, outChannels], stride, 'same');
      return tf.add(y, b) as tf.Tensor4D;
    },
  };
}

/** Nearest-neighbour 2x upsampling: [B, H, W, C] -> [B, 2H, 2W, C]. */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
}

/** 2x2 average pooling: [B, H, W, C] -> [B, H/2, W/2, C]. */
export function downsample2x(x: tf.Tensor4D): tf.Tensor4D {
  return tf.avgPool(x, 2, 2, 'valid');
}

/** ReLU, max(x, 0): one kernel each way where the backend has the fused gradient (tfjs's runs three). */
export function relu<T extends tf.Tensor>(x: T): T {
  return fusedUnary(FUSED_KERNELS.relu, FUSED_KERNELS.reluGrad, x, (v) => tf.relu(v));
}

/** SiLU / swish (Ramachandran et al. 2017), x * sigmoid(x). */
export function silu<T extends tf.Tensor>(x: T): T {
  return fusedUnary(FUSED_KERNELS.silu, FUSED_KERNELS.siluGrad, x, (v) => tf.mul(v, tf.sigmoid(v)) as T);
}

/**
 * Gated activation tanh(a) * sigmoid(b) over the two halves a, b of the last
 * axis (van den Oord et al. 2016, https://arxiv.org/abs/1606.05328): [..., 2F] -> [..., F].
 */
export function gatedTanh<T extends tf.Tensor>(x: T): T {
  return fusedUnary(FUSED_KERNELS.gate, FUSED_KERNELS.gateGrad, x, (v) => {
    const [a, b] = tf.split(v, 2, -1);
    return tf.mul(tf.tanh(a), tf.sigmoid(b)) as T;
  });
}

/**
 * A pre-activation residual block (He et al. 2016): x + conv(act(conv(act(x)))).
 * [B, H, W, C] -> [B, H, W, C]
 */
export function residualBlock(store: ParamStore, name: string, channels: number, kernel = 3): Layer<tf.Tensor4D, tf.Tensor4D> {
  const first = conv2d(store, `${name}/conv1`, { kernel, inChannels: channels, outChannels: channels });
  const second = conv2d(store, `${name}/conv2`, { kernel, inChannels: channels, outChannels: channels, init: { normal: 1e-3 } });
  return { apply: (x) => tf.add(x, second.apply(relu(first.apply(relu(x))))) as tf.Tensor4D };
}
