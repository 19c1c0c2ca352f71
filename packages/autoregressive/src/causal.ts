import { tf } from '@curtain/core';
import { type ConvOptions, conv2d, type ExplicitPadding, type Layer, type ParamStore } from '@curtain/nn';

/** A cropped masked kernel: [height, width], channels and initialisation. */
export type CausalConvOptions = Pick<ConvOptions, 'inChannels' | 'outChannels' | 'init'> & { kernel: [number, number] };

/**
 * Masked convolutions as cropped kernels (van den Oord et al. 2016,
 * https://arxiv.org/abs/1606.05328, section 2.2): a masked k x k filter whose
 * zeroed half is simply not stored, with padding placed so the output at
 * (r, c) can only read the pixels the mask would let through. Same function
 * as `conv2d(..., { mask })`, without paying FLOPs for the zeros.
 */

/** Vertical stack: output (r, c) reads rows r-kh+1..r, columns c-(kw-1)/2..c+(kw-1)/2. [B, H, W, in] -> [B, H, W, out] */
export function verticalConv(store: ParamStore, name: string, opts: CausalConvOptions): Layer<tf.Tensor4D, tf.Tensor4D> {
  const [kh, kw] = opts.kernel;
  const side = (kw - 1) / 2;
  // padding inside the convolution: kh-1 rows on top, side columns each side (no padded copy of x)
  return conv2d(store, name, {
    ...opts,
    padding: [
      [0, 0],
      [kh - 1, 0],
      [side, side],
      [0, 0],
    ],
  });
}

/** Horizontal stack: output (r, c) reads row r, columns c-kw+1..c (mask B: the pixel itself included). [B, H, W, in] -> [B, H, W, out] */
export function horizontalConv(store: ParamStore, name: string, opts: CausalConvOptions): Layer<tf.Tensor4D, tf.Tensor4D> {
  const [, kw] = opts.kernel;
  return conv2d(store, name, {
    ...opts,
    padding: [
      [0, 0],
      [0, 0],
      [kw - 1, 0],
      [0, 0],
    ],
  });
}

/** Moves x one place along `axis` (1: rows, 2: columns), zeros entering at the start. */
function shiftForward(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const padding: ExplicitPadding = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  padding[axis] = [1, 0];
  return tf.slice(tf.pad(x, padding), [0, 0, 0, 0], x.shape);
}

/** Row r takes row r-1 (zeros on top): the vertical stack never sees its own row. */
export function shiftDown(x: tf.Tensor4D): tf.Tensor4D {
  return shiftForward(x, 1);
}

/** Column c takes column c-1 (zeros on the left): turns a mask-B row conv into mask A. */
export function shiftRight(x: tf.Tensor4D): tf.Tensor4D {
  return shiftForward(x, 2);
}
