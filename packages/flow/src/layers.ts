/**
 * The invertible pieces of a RealNVP/Glow flow (Dinh et al. 2017,
 * https://arxiv.org/abs/1605.08803; Kingma & Dhariwal 2018,
 * https://arxiv.org/abs/1807.03039). Each maps x -> y and returns the
 * per-image log|det dy/dx|; `inverse` maps y back to x.
 */
import { tf } from '@curtain/core';
import { conv2d, type ParamStore, pointwise, relu } from '@curtain/nn';

export interface FlowLayer {
  /** x [B, H, W, C] -> y [B, H, W, C] and log|det| [B]. */
  forward(x: tf.Tensor4D): { y: tf.Tensor4D; logdet: tf.Tensor1D };
  inverse(y: tf.Tensor4D): tf.Tensor4D;
}

/** Per-channel affine y = x * exp(logScale) + bias (Glow's actnorm, identity at init). */
export function actnorm(store: ParamStore, name: string, channels: number): FlowLayer {
  const logScale = store.create(`${name}/logScale`, [channels], 'zeros');
  const bias = store.create(`${name}/bias`, [channels], 'zeros');
  return {
    forward: (x) => {
      const [batch, h, w] = x.shape;
      const y = tf.add(tf.mul(x, tf.exp(logScale)), bias) as tf.Tensor4D; // [B, H, W, C]
      const logdet = tf.mul(tf.sum(logScale), tf.ones([batch])).mul(h * w) as tf.Tensor1D; // [B]
      return { y, logdet };
    },
    inverse: (y) => tf.mul(tf.sub(y, bias), tf.exp(tf.neg(logScale))) as tf.Tensor4D,
  };
}

/**
 * The coupling network (Glow: 3x3 conv, 1x1 conv, zero-initialised 3x3 conv):
 * [B, H, W, in] -> log-scale and shift [B, H, W, out] each. The log-scale is
 * bounded, scale * tanh(raw) (RealNVP), so no step can blow up exp(s).
 */
function couplingNet(store: ParamStore, name: string, inChannels: number, outChannels: number, width: number) {
  const conv1 = conv2d(store, `${name}/conv1`, { kernel: 3, inChannels, outChannels: width });
  const conv2 = pointwise(store, `${name}/conv2`, { inChannels: width, outChannels: width });
  const conv3 = conv2d(store, `${name}/conv3`, { kernel: 3, inChannels: width, outChannels: 2 * outChannels, init: 'zeros' });
  const scale = store.create(`${name}/scale`, [outChannels], 'ones');
  return (x: tf.Tensor4D): { logS: tf.Tensor4D; shift: tf.Tensor4D } => {
    const a = relu(conv1.apply(x)); // [B, H, W, F]
    const b = relu(conv2.apply(a)); // [B, H, W, F]
    const [raw, shift] = tf.split(conv3.apply(b), 2, 3) as [tf.Tensor4D, tf.Tensor4D]; // [B, H, W, out] each
    return { logS: tf.mul(scale, tf.tanh(raw)) as tf.Tensor4D, shift };
  };
}

/** 1 on the squares of one colour of a checkerboard: [1, H, W, 1]. */
function checkerboard(h: number, w: number, parity: number): tf.Tensor4D {
  const values = new Float32Array(h * w);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) values[r * w + c] = (r + c) % 2 === parity ? 1 : 0;
  return tf.tensor4d(values, [1, h, w, 1]);
}

/**
 * Affine coupling with a checkerboard mask b: y = b*x + (1-b)*(x*exp(s) + t),
 * where s, t are computed from b*x alone, so the Jacobian is triangular with
 * log|det| = sum((1-b) * s). The mask is a constant kept until `dispose`.
 */
export function checkerboardCoupling(
  store: ParamStore,
  name: string,
  shape: { height: number; width: number; channels: number },
  parity: number,
  width: number,
): FlowLayer & { dispose(): void } {
  const mask = checkerboard(shape.height, shape.width, parity); // [1, H, W, 1]
  const free = tf.sub(1, mask) as tf.Tensor4D;
  const net = couplingNet(store, name, shape.channels, shape.channels, width);
  const params = (kept: tf.Tensor4D) => {
    const { logS, shift } = net(tf.mul(kept, mask) as tf.Tensor4D);
    return { logS: tf.mul(logS, free) as tf.Tensor4D, shift: tf.mul(shift, free) as tf.Tensor4D }; // [B, H, W, C]
  };
  return {
    forward: (x) => {
      const { logS, shift } = params(x);
      const y = tf.add(tf.mul(x, tf.exp(logS)), shift) as tf.Tensor4D; // unchanged where mask = 1 (s = t = 0)
      return { y, logdet: tf.sum(logS, [1, 2, 3]) as tf.Tensor1D };
    },
    inverse: (y) => {
      const { logS, shift } = params(y); // b*y = b*x
      return tf.mul(tf.sub(y, shift), tf.exp(tf.neg(logS))) as tf.Tensor4D;
    },
    dispose: () => tf.dispose([mask, free]),
  };
}

/**
 * Affine coupling across channels: one half conditions the other,
 * y_b = x_b * exp(s(x_a)) + t(x_a); `flip` swaps the halves' roles.
 */
export function channelCoupling(store: ParamStore, name: string, channels: number, flip: boolean, width: number): FlowLayer {
  const half = channels / 2;
  const net = couplingNet(store, name, half, half, width);
  const split = (x: tf.Tensor4D) => {
    const [first, second] = tf.split(x, 2, 3) as [tf.Tensor4D, tf.Tensor4D]; // [B, H, W, C/2] each
    return flip ? { kept: second, changed: first } : { kept: first, changed: second };
  };
  const join = (kept: tf.Tensor4D, changed: tf.Tensor4D) => tf.concat(flip ? [changed, kept] : [kept, changed], 3) as tf.Tensor4D; // [B, H, W, C]
  return {
    forward: (x) => {
      const { kept, changed } = split(x);
      const { logS, shift } = net(kept);
      const y = join(kept, tf.add(tf.mul(changed, tf.exp(logS)), shift) as tf.Tensor4D);
      return { y, logdet: tf.sum(logS, [1, 2, 3]) as tf.Tensor1D };
    },
    inverse: (y) => {
      const { kept, changed } = split(y);
      const { logS, shift } = net(kept);
      return join(kept, tf.mul(tf.sub(changed, shift), tf.exp(tf.neg(logS))) as tf.Tensor4D);
    },
  };
}

/** Space-to-depth: [B, H, W, C] -> [B, H/2, W/2, 4C] (volume preserving, log|det| = 0). */
export function squeeze(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const blocks = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]); // [B, H/2, 2, W/2, 2, C]
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [b, h / 2, w / 2, 4 * c]);
}

/** The inverse of squeeze: [B, H, W, 4C] -> [B, 2H, 2W, C]. */
export function unsqueeze(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c4] = x.shape;
  const c = c4 / 4;
  const blocks = tf.reshape(x, [b, h, w, 2, 2, c]); // [B, H, W, 2, 2, C]
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [b, 2 * h, 2 * w, c]);
}
