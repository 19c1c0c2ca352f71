import { tf } from '@curtain/core';

/**
 * Masked convolutions as cropped kernels (van den Oord et al. 2016,
 * https://arxiv.org/abs/1606.05328, section 2.2): a masked k x k filter whose
 * zeroed half is simply not stored, with padding placed so the output at
 * (r, c) can only read the pixels the mask would let through. Same function
 * as `conv2d(..., { mask })`, without paying FLOPs for the zeros.
 */

/** Vertical stack: output (r, c) reads rows r-kh+1..r, columns c-(kw-1)/2..c+(kw-1)/2. */
export function verticalConv(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  const [kh, kw] = w.shape;
  const side = (kw - 1) / 2;
  // padding inside the convolution: kh-1 rows on top, side columns each side (no padded copy of x)
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [kh - 1, 0],
    [side, side],
    [0, 0],
  ];
  return tf.add(tf.conv2d(x, w, 1, pad), b) as tf.Tensor4D; // [B, H, W, out]
}

/** Horizontal stack: output (r, c) reads row r, columns c-kw+1..c (mask B: the pixel itself included). */
export function horizontalConv(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  const [, kw] = w.shape;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [0, 0],
    [kw - 1, 0],
    [0, 0],
  ];
  return tf.add(tf.conv2d(x, w, 1, pad), b) as tf.Tensor4D; // [B, H, W, out]
}

/** Row r takes row r-1 (zeros on top): the vertical stack never sees its own row. */
export function shiftDown(x: tf.Tensor4D): tf.Tensor4D {
  const [batch, h, w, c] = x.shape;
  return tf.slice(
    tf.pad(x, [
      [0, 0],
      [1, 0],
      [0, 0],
      [0, 0],
    ]),
    [0, 0, 0, 0],
    [batch, h, w, c],
  );
}

/** Column c takes column c-1 (zeros on the left): turns a mask-B row conv into mask A. */
export function shiftRight(x: tf.Tensor4D): tf.Tensor4D {
  const [batch, h, w, c] = x.shape;
  return tf.slice(
    tf.pad(x, [
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 0],
    ]),
    [0, 0, 0, 0],
    [batch, h, w, c],
  );
}

/**
 * A 1x1 convolution as one matrix product (tfjs's cpu Conv2DBackpropFilter is
 * a slow loop; MatMul and its gradient are not): [B, H, W, in] -> [B, H, W, out].
 */
export function pointwise(x: tf.Tensor4D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor4D {
  const [batch, h, wd, cin] = x.shape;
  const flat = tf.matMul(tf.reshape(x, [batch * h * wd, cin]), w); // [B*H*W, out]
  return tf.reshape(b ? tf.add(flat, b) : flat, [batch, h, wd, w.shape[1]]);
}
