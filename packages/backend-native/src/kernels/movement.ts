import type { TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.ts';
import type { NativeBackend } from '../backend.ts';
import { type NativeImpl, type Override, sizeOf } from './types.ts';

/**
 * Data-movement kernels in plain JavaScript over typed arrays. The stock cpu
 * backend runs Slice (off the leading axis), SplitV, PadV2, Transpose and
 * Concat one element at a time through index arrays
 * (`indexToLoc`/`buffer.get`), which made them the slowest kernels of every
 * model's training step once the arithmetic went native. Here each copies
 * contiguous runs and walks the outer dimensions with an odometer (pooling
 * and resizing are native: pool.ts). Float32 outputs come from the backend's
 * buffer pool, like the native kernels' (fresh zero-filled arrays made these
 * copies several times slower than the copying itself).
 */

const valuesOf = (backend: NativeBackend, t: TensorInfo) => backend.data.get(t.dataId)?.values as TypedArray;

/** An output array of n elements with arbitrary contents (pooled for float32). */
const outputArray = (backend: NativeBackend, dtype: string, n: number): TypedArray =>
  dtype === 'float32' ? backend.alloc(n) : (tf.util.getTypedArrayFromDType(dtype as 'int32', n) as TypedArray);

function strides(shape: readonly number[]): number[] {
  const out = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1] * shape[i + 1];
  return out;
}

/** The addon's float32 box copy (csrc/movement.cc). */
type NativeCopy = NativeAddon['copyBox'];

/**
 * Copies the box `size` starting at `begin` of `src` (shape `shape`) into
 * `dst` at `dstBegin` of `dstShape`. Runs of the last dimension are copied
 * whole; float32 boxes go to `native` when given (a JavaScript step per run
 * made short runs, e.g. splitting 4 channels into 2 and 2, cost more than the data).
 */
export function copyBox(
  src: TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: TypedArray,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  native?: NativeCopy,
): void {
  if (shape.length === 0 || sizeOf(size) === 0) {
    if (shape.length === 0) dst[0] = src[0];
    return;
  }
  // Trailing dimensions the box covers whole in both arrays are one longer run.
  let rank = shape.length;
  while (rank > 1 && size[rank - 1] === shape[rank - 1] && size[rank - 1] === dstShape[rank - 1]) rank--;
  if (rank < shape.length) {
    const inner = sizeOf(size.slice(rank - 1));
    const merge = (dims: readonly number[], at: readonly number[]) => [...dims.slice(0, rank - 1), at[rank - 1] * (inner / size[rank - 1])];
    const tail = (dims: readonly number[]) => sizeOf(dims.slice(rank - 1));
    shape = [...shape.slice(0, rank - 1), tail(shape)];
    dstShape = [...dstShape.slice(0, rank - 1), tail(dstShape)];
    begin = merge(begin, begin);
    dstBegin = merge(dstBegin, dstBegin);
    size = [...size.slice(0, rank - 1), inner];
  }
  if (native && src instanceof Float32Array && dst instanceof Float32Array) {
    native(src, [...shape], [...begin], [...size], dst, [...dstShape], [...dstBegin]);
    return;
  }
  const srcStrides = strides(shape);
  const dstStrides = strides(dstShape);
  const run = size[rank - 1];
  const outer = size.slice(0, rank - 1);
  const index = new Array(rank - 1).fill(0);
  let srcOffset = 0;
  let dstOffset = 0;
  for (let d = 0; d < rank; d++) {
    srcOffset += begin[d] * srcStrides[d];
    dstOffset += dstBegin[d] * dstStrides[d];
  }
  const total = sizeOf(outer);
  for (let n = 0; n < total; n++) {
    if (run > 32) dst.set(src.subarray(srcOffset, srcOffset + run), dstOffset);
    else for (let i = 0; i < run; i++) dst[dstOffset + i] = src[srcOffset + i];
    // advance the odometer over the outer dimensions
    for (let d = rank - 2; d >= 0; d--) {
      index[d] += 1;
      srcOffset += srcStrides[d];
      dstOffset += dstStrides[d];
      if (index[d] < outer[d]) break;
      srcOffset -= outer[d] * srcStrides[d];
      dstOffset -= outer[d] * dstStrides[d];
      index[d] = 0;
    }
  }
}

function sliceTensor(backend: NativeBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = outputArray(backend, x.dtype, sizeOf(size));
  copyBox(valuesOf(backend, x), x.shape, begin, size, out, size, new Array(size.length).fill(0), backend.addon.copyBox);
  return backend.makeTensorInfo(size, x.dtype, out);
}

const slice: NativeImpl = ({ inputs, backend, attrs }) => {
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return undefined; // the cpu kernel
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as never, attrs.begin as number[], attrs.size as number[]);
  tf.slice_util.assertParamsValid(x as never, begin, size);
  return sliceTensor(backend, x, begin, size);
};

const splitV: NativeImpl = ({ inputs, backend, attrs }) => {
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return undefined; // the cpu kernel
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number[], axis);
  const begin = new Array(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceTensor(backend, x, [...begin], size);
    begin[axis] += s;
    return part;
  });
};

const padV2: NativeImpl = ({ inputs, backend, attrs }) => {
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return undefined; // the cpu kernel
  const paddings = attrs.paddings as Array<[number, number]>;
  const constantValue = attrs.constantValue as number;
  const outShape = paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
  const out = outputArray(backend, x.dtype, sizeOf(outShape));
  out.fill(constantValue);
  copyBox(
    valuesOf(backend, x),
    x.shape,
    new Array(x.shape.length).fill(0),
    x.shape,
    out,
    outShape,
    paddings.map((p) => p[0]),
    backend.addon.copyBox,
  );
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

const transpose: NativeImpl = ({ inputs, backend, attrs }) => {
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return undefined; // the cpu kernel
  const perm = attrs.perm as number[];
  const rank = x.shape.length;
  const outShape = perm.map((p) => x.shape[p]);
  const src = valuesOf(backend, x);
  const out = outputArray(backend, x.dtype, src.length);
  if (rank <= 1) {
    out.set(src);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  }
  const inStrides = strides(x.shape);
  // stride in the input of a step along each output dimension
  const step = perm.map((p) => inStrides[p]);
  const inner = outShape[rank - 1];
  const innerStep = step[rank - 1];
  const outer = outShape.slice(0, rank - 1);
  const index = new Array(rank - 1).fill(0);
  let srcOffset = 0;
  let dstOffset = 0;
  const total = sizeOf(outer);
  for (let n = 0; n < total; n++) {
    for (let i = 0, s = srcOffset; i < inner; i++, s += innerStep) out[dstOffset + i] = src[s];
    dstOffset += inner;
    for (let d = rank - 2; d >= 0; d--) {
      index[d] += 1;
      srcOffset += step[d];
      if (index[d] < outer[d]) break;
      srcOffset -= outer[d] * step[d];
      index[d] = 0;
    }
  }
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

const concat: NativeImpl = ({ inputs, backend, attrs }) => {
  const parts = Object.values(inputs) as TensorInfo[];
  const first = parts[0];
  if (parts.some((t) => t.dtype !== first.dtype) || first.dtype === 'string' || first.dtype === 'complex64') return undefined; // the cpu kernel
  const axis = tf.util.parseAxisParam(attrs.axis as number, first.shape)[0];
  const outShape = tf.backend_util.computeOutShape(
    parts.map((t) => t.shape),
    axis,
  );
  const out = outputArray(backend, first.dtype, sizeOf(outShape));
  const at = new Array(outShape.length).fill(0);
  for (const part of parts) {
    if (sizeOf(part.shape) > 0)
      copyBox(
        valuesOf(backend, part),
        part.shape,
        new Array(part.shape.length).fill(0),
        part.shape,
        out,
        outShape,
        at,
        backend.addon.copyBox,
      );
    at[axis] += part.shape[axis];
  }
  return backend.makeTensorInfo(outShape, first.dtype, out);
};

/** The data-movement overrides (each defers to the cpu kernel for dtypes it does not handle). */
export const movementOverrides: Override[] = [
  { kernelName: tf.Slice, impl: slice },
  { kernelName: tf.SplitV, impl: splitV },
  { kernelName: tf.PadV2, impl: padV2 },
  { kernelName: tf.Transpose, impl: transpose },
  { kernelName: tf.Concat, impl: concat },
];
