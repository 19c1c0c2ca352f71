// NHWC Conv2D / FusedConv2D / Conv2DBackpropInput / Conv2DBackpropFilter (csrc/conv.cc: direct kernels, or im2col + GEMM).
import { backend_util, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend.ts';
import { applyBiasActivation } from './matmul.ts';
import { activationCode } from './ops.ts';
import { type NativeImpl, type Override, sizeOf } from './types.ts';

type Conv2DInfo = backend_util.Conv2DInfo;
type Attrs = Record<string, unknown>;

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, withDilations: boolean): Conv2DInfo | undefined {
  const dataFormat = backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  if (dataFormat !== 'channelsLast') return undefined;
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    withDilations ? ((attrs.dilations as [number, number] | number) ?? 1) : 1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
}

const shapeArgs = (c: Conv2DInfo): number[] => [
  c.batchSize,
  c.inHeight,
  c.inWidth,
  c.inChannels,
  c.filterHeight,
  c.filterWidth,
  c.outChannels,
  c.outHeight,
  c.outWidth,
  c.strideHeight,
  c.strideWidth,
  c.padInfo.top,
  c.padInfo.left,
  c.dilationHeight,
  c.dilationWidth,
];

function conv2dForward(backend: NativeBackend, x: TensorInfo, filter: TensorInfo, attrs: Attrs): TensorInfo | undefined {
  const xv = backend.f32(x),
    wv = backend.f32(filter);
  if (!xv || !wv) return undefined;
  const c = convInfo(x.shape, filter.shape, attrs, true);
  if (!c) return undefined;
  const out = backend.alloc(sizeOf(c.outShape));
  if (out.length > 0) backend.addon.conv2d(0, backend.useBlas, backend.threads, shapeArgs(c), xv, wv, out);
  return backend.output(c.outShape.slice(), out);
}

const conv2d: NativeImpl = ({ inputs, backend, attrs }) => conv2dForward(backend, inputs.x, inputs.filter, attrs);

const fusedConv2d: NativeImpl = ({ inputs, backend, attrs }) => {
  if (activationCode(attrs.activation) === undefined) return undefined;
  if (inputs.bias && !backend.f32(inputs.bias)) return undefined;
  const y = conv2dForward(backend, inputs.x, inputs.filter, attrs);
  if (!y) return undefined;
  if (!applyBiasActivation(backend, y, inputs.bias, attrs.activation, attrs.leakyreluAlpha)) {
    backend.disposeIntermediateTensorInfo(y);
    return undefined;
  }
  return y;
};

const backpropInput: NativeImpl = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs;
  const dyv = backend.f32(dy),
    wv = backend.f32(filter);
  if (!dyv || !wv) return undefined;
  const inputShape = attrs.inputShape as number[];
  const c = convInfo(inputShape, filter.shape, attrs, false);
  if (!c) return undefined;
  const out = backend.alloc(sizeOf(inputShape));
  if (out.length > 0 && dyv.length > 0) backend.addon.conv2d(1, backend.useBlas, backend.threads, shapeArgs(c), dyv, wv, out);
  return backend.output(inputShape.slice(), out);
};

const backpropFilter: NativeImpl = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs;
  const xv = backend.f32(x),
    dyv = backend.f32(dy);
  if (!xv || !dyv) return undefined;
  const filterShape = attrs.filterShape as number[];
  const c = convInfo(x.shape, filterShape, attrs, false);
  if (!c) return undefined;
  const out = backend.alloc(sizeOf(filterShape));
  if (out.length > 0 && dyv.length > 0) backend.addon.conv2d(2, backend.useBlas, backend.threads, shapeArgs(c), xv, dyv, out);
  return backend.output(filterShape.slice(), out);
};

export const convOverrides: Override[] = [
  { kernelName: Conv2D, impl: conv2d },
  { kernelName: FusedConv2D, impl: fusedConv2d },
  { kernelName: Conv2DBackpropInput, impl: backpropInput },
  { kernelName: Conv2DBackpropFilter, impl: backpropFilter },
];
