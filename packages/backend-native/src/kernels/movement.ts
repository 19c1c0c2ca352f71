import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Data-movement kernels in plain JavaScript over typed arrays. The stock cpu
 * backend runs Slice (off the leading axis), SplitV, PadV2, Transpose and the
 * pooling/resize gradients one element at a time through index arrays
 * (`indexToLoc`/`buffer.get`), which made them the slowest kernels of every
 * model's training step once the arithmetic went native. Here each copies
 * contiguous runs and walks the outer dimensions with an odometer.
 */

type Args = { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: NamedAttrMap };

const cpuKernel = (name: string): KernelFunc => {
  const config = tf.getKernel(name, 'cpu');
  if (!config) throw new Error(`cpu kernel ${name} is not registered`);
  return config.kernelFunc;
};

const valuesOf = (backend: MathBackendCPU, t: TensorInfo) => backend.data.get(t.dataId).values as TypedArray;

function strides(shape: readonly number[]): number[] {
  const out = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1] * shape[i + 1];
  return out;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Copies the box `size` starting at `begin` of `src` (shape `shape`) into
 * `dst` at `dstBegin` of `dstShape`. Runs of the last dimension are copied whole.
 */
export function copyBox(
  src: TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: TypedArray,
  dstShape: readonly number[],
  dstBegin: readonly number[],
): void {
  const rank = shape.length;
  if (rank === 0 || sizeOf(size) === 0) {
    if (rank === 0) dst[0] = src[0];
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

function sliceTensor(backend: MathBackendCPU, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = tf.util.getTypedArrayFromDType(x.dtype as 'float32', sizeOf(size)) as TypedArray;
  copyBox(valuesOf(backend, x), x.shape, begin, size, out, size, new Array(size.length).fill(0));
  return backend.makeTensorInfo(size, x.dtype, out);
}

const slice: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return cpuKernel('Slice')(args);
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as never, attrs.begin as number[], attrs.size as number[]);
  tf.slice_util.assertParamsValid(x as never, begin, size);
  return sliceTensor(backend, x, begin, size);
};

const splitV: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return cpuKernel('SplitV')(args);
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

const padV2: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return cpuKernel('PadV2')(args);
  const paddings = attrs.paddings as Array<[number, number]>;
  const constantValue = attrs.constantValue as number;
  const outShape = paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
  const out = tf.util.getTypedArrayFromDType(x.dtype as 'float32', sizeOf(outShape)) as TypedArray;
  if (constantValue !== 0) out.fill(constantValue);
  copyBox(
    valuesOf(backend, x),
    x.shape,
    new Array(x.shape.length).fill(0),
    x.shape,
    out,
    outShape,
    paddings.map((p) => p[0]),
  );
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

const transpose: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const x = inputs.x;
  if (x.dtype === 'string' || x.dtype === 'complex64') return cpuKernel('Transpose')(args);
  const perm = attrs.perm as number[];
  const rank = x.shape.length;
  const outShape = perm.map((p) => x.shape[p]);
  const src = valuesOf(backend, x);
  const out = tf.util.getTypedArrayFromDType(x.dtype as 'float32', src.length) as TypedArray;
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

/** Pooling geometry shared by AvgPool and AvgPoolGrad. */
function poolGeometry(xShape: number[], attrs: NamedAttrMap) {
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
  return { ...info, channels: info.inChannels, top: info.padInfo.top, left: info.padInfo.left };
}

/** Scatters each output gradient evenly over its window (same 1/(fh*fw) as the cpu kernel). */
const avgPoolGrad: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const { dy, input } = inputs;
  const info = poolGeometry(input.shape, attrs);
  const { batchSize, inHeight, inWidth, channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, top, left } =
    info;
  const scale = 1 / (filterHeight * filterWidth);
  const g = valuesOf(backend, dy);
  const dx = new Float32Array(batchSize * inHeight * inWidth * channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const gOffset = ((b * outHeight + oy) * outWidth + ox) * channels;
        for (let fy = 0; fy < filterHeight; fy++) {
          const y = oy * strideHeight - top + fy;
          if (y < 0 || y >= inHeight) continue;
          for (let fx = 0; fx < filterWidth; fx++) {
            const x = ox * strideWidth - left + fx;
            if (x < 0 || x >= inWidth) continue;
            const xOffset = ((b * inHeight + y) * inWidth + x) * channels;
            for (let c = 0; c < channels; c++) dx[xOffset + c] += g[gOffset + c] * scale;
          }
        }
      }
    }
  }
  return backend.makeTensorInfo(input.shape, 'float32', dx);
};

/** Integer upscaling without corner alignment: each input pixel gathers its block's gradients. */
const resizeNearestNeighborGrad: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const { images, dy } = inputs;
  const [batch, inH, inW, channels] = images.shape;
  const [, outH, outW] = dy.shape;
  const integer = outH % inH === 0 && outW % inW === 0;
  if (attrs.alignCorners || attrs.halfPixelCenters || !integer || dy.dtype !== 'float32') {
    return cpuKernel('ResizeNearestNeighborGrad')(args);
  }
  const sy = outH / inH;
  const sx = outW / inW;
  const g = valuesOf(backend, dy);
  const dx = new Float32Array(batch * inH * inW * channels);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      const iy = Math.floor(y / sy);
      for (let x = 0; x < outW; x++) {
        const ix = Math.floor(x / sx);
        const gOffset = ((b * outH + y) * outW + x) * channels;
        const dOffset = ((b * inH + iy) * inW + ix) * channels;
        for (let c = 0; c < channels; c++) dx[dOffset + c] += g[gOffset + c];
      }
    }
  }
  return backend.makeTensorInfo(images.shape, 'float32', dx);
};

const concat: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const parts = Object.values(inputs) as TensorInfo[];
  const first = parts[0];
  if (parts.some((t) => t.dtype !== first.dtype) || first.dtype === 'string' || first.dtype === 'complex64')
    return cpuKernel('Concat')(args);
  const axis = tf.util.parseAxisParam(attrs.axis as number, first.shape)[0];
  const outShape = tf.backend_util.computeOutShape(
    parts.map((t) => t.shape),
    axis,
  );
  const out = tf.util.getTypedArrayFromDType(first.dtype as 'float32', sizeOf(outShape)) as TypedArray;
  const at = new Array(outShape.length).fill(0);
  for (const part of parts) {
    if (sizeOf(part.shape) > 0)
      copyBox(valuesOf(backend, part), part.shape, new Array(part.shape.length).fill(0), part.shape, out, outShape, at);
    at[axis] += part.shape[axis];
  }
  return backend.makeTensorInfo(outShape, first.dtype, out);
};

/** Average pooling over the in-bounds part of each window (as the cpu kernel does). */
const avgPool: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as Args;
  const x = inputs.x;
  if (x.dtype !== 'float32') return cpuKernel('AvgPool')(args);
  const info = poolGeometry(x.shape, attrs);
  const { batchSize, inHeight, inWidth, channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, top, left } =
    info;
  const src = valuesOf(backend, x);
  const out = new Float32Array(batchSize * outHeight * outWidth * channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const oOffset = ((b * outHeight + oy) * outWidth + ox) * channels;
        let count = 0;
        for (let fy = 0; fy < filterHeight; fy++) {
          const y = oy * strideHeight - top + fy;
          if (y < 0 || y >= inHeight) continue;
          for (let fx = 0; fx < filterWidth; fx++) {
            const xx = ox * strideWidth - left + fx;
            if (xx < 0 || xx >= inWidth) continue;
            const iOffset = ((b * inHeight + y) * inWidth + xx) * channels;
            for (let c = 0; c < channels; c++) out[oOffset + c] += src[iOffset + c];
            count += 1;
          }
        }
        const inv = count > 0 ? 1 / count : 0;
        for (let c = 0; c < channels; c++) out[oOffset + c] *= inv;
      }
    }
  }
  return backend.makeTensorInfo(info.outShape, 'float32', out);
};

/** The data-movement overrides, for a backend registered under `backendName`. */
export function movementKernelConfigs(backendName: string): KernelConfig[] {
  return [
    { kernelName: 'Slice', backendName, kernelFunc: slice },
    { kernelName: 'SplitV', backendName, kernelFunc: splitV },
    { kernelName: 'PadV2', backendName, kernelFunc: padV2 },
    { kernelName: 'Transpose', backendName, kernelFunc: transpose },
    { kernelName: 'Concat', backendName, kernelFunc: concat },
    { kernelName: 'AvgPool', backendName, kernelFunc: avgPool },
    { kernelName: 'AvgPoolGrad', backendName, kernelFunc: avgPoolGrad },
    { kernelName: 'ResizeNearestNeighborGrad', backendName, kernelFunc: resizeNearestNeighborGrad },
  ];
}
