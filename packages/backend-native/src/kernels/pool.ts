// AvgPool, AvgPoolGrad, ResizeNearestNeighbor and ResizeNearestNeighborGrad
// for float32 NHWC (csrc/pool.cc), with tfjs-backend-cpu's conventions; other
// dtypes and corner modes defer to the cpu kernels.
import {
  AvgPool,
  AvgPoolGrad,
  backend_util,
  type NamedAttrMap,
  ResizeNearestNeighbor,
  ResizeNearestNeighborGrad,
} from '@tensorflow/tfjs-core';
import type { NativeImpl, Override } from './types.ts';

/** [batch, inH, inW, C, outH, outW, kH, kW, strideH, strideW, padTop, padLeft] of a pool over xShape. */
function poolGeometry(xShape: number[], attrs: NamedAttrMap): { geometry: number[]; outShape: number[] } {
  const info = backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
  return {
    geometry: [
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    ],
    outShape: info.outShape,
  };
}

const avgPool: NativeImpl = ({ inputs, backend, attrs }) => {
  const xv = backend.f32(inputs.x);
  if (!xv) return undefined;
  const { geometry, outShape } = poolGeometry(inputs.x.shape, attrs);
  const out = backend.alloc(outShape.reduce((a, b) => a * b, 1));
  if (out.length > 0) backend.addon.avgPool(0, geometry, xv, out, backend.threads);
  return backend.output(outShape, out);
};

const avgPoolGrad: NativeImpl = ({ inputs, backend, attrs }) => {
  const dyv = backend.f32(inputs.dy);
  if (!dyv) return undefined;
  const { geometry } = poolGeometry(inputs.input.shape, attrs);
  const out = backend.alloc(inputs.input.shape.reduce((a, b) => a * b, 1));
  if (out.length > 0) backend.addon.avgPool(1, geometry, dyv, out, backend.threads);
  return backend.output(inputs.input.shape.slice(), out);
};

const plainNearest = (attrs: NamedAttrMap) => !attrs.alignCorners && !attrs.halfPixelCenters;

const resizeNearest: NativeImpl = ({ inputs, backend, attrs }) => {
  const xv = backend.f32(inputs.images);
  if (!xv || !plainNearest(attrs)) return undefined;
  const [batch, inH, inW, channels] = inputs.images.shape;
  const [outH, outW] = attrs.size as [number, number];
  const out = backend.alloc(batch * outH * outW * channels);
  if (out.length > 0) backend.addon.resizeNearest(0, [batch, inH, inW, channels, outH, outW], xv, out, backend.threads);
  return backend.output([batch, outH, outW, channels], out);
};

/**
 * Each output pixel's gradient goes to its one source pixel (the forward
 * mapping), which is the exact gradient at any ratio. tfjs-backend-cpu 4.22's
 * ResizeNearestNeighborGrad offsets dy by the images' batch stride instead of
 * dy's, so its gradient is wrong for every batch item after the first.
 */
const resizeNearestGrad: NativeImpl = ({ inputs, backend, attrs }) => {
  const dyv = backend.f32(inputs.dy);
  if (!dyv || !plainNearest(attrs)) return undefined;
  const [batch, inH, inW, channels] = inputs.images.shape;
  const [, outH, outW] = inputs.dy.shape;
  const out = backend.alloc(batch * inH * inW * channels);
  if (out.length > 0) backend.addon.resizeNearest(1, [batch, inH, inW, channels, outH, outW], dyv, out, backend.threads);
  return backend.output(inputs.images.shape.slice(), out);
};

export const poolOverrides: Override[] = [
  { kernelName: AvgPool, impl: avgPool },
  { kernelName: AvgPoolGrad, impl: avgPoolGrad },
  { kernelName: ResizeNearestNeighbor, impl: resizeNearest },
  { kernelName: ResizeNearestNeighborGrad, impl: resizeNearestGrad },
];
