// Row-wise Softmax, and the fused softmax cross-entropy kernels
// `CurtainSoftmaxCrossEntropy` (logits [N, K], int32 labels [N] -> nats [N])
// and its gradient `CurtainSoftmaxCrossEntropyGrad` (+ dy [N] -> [N, K]).

import type { TensorInfo } from '@tensorflow/tfjs-core';
import { Softmax } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend.ts';
import { type NativeImpl, type Override, sizeOf } from './types.ts';

export const CURTAIN_SOFTMAX_XENT = 'CurtainSoftmaxCrossEntropy';
export const CURTAIN_SOFTMAX_XENT_GRAD = 'CurtainSoftmaxCrossEntropyGrad';

const softmax: NativeImpl = ({ inputs, backend, attrs }) => {
  const { logits } = inputs;
  const xv = backend.f32(logits);
  const rank = logits.shape.length;
  const dim = Number(attrs.dim ?? -1);
  if (!xv || rank === 0 || (dim !== -1 && dim !== rank - 1)) return undefined;
  const k = logits.shape[rank - 1];
  const out = backend.alloc(xv.length);
  if (xv.length > 0) backend.addon.softmax(xv, xv.length / k, k, false, out, backend.threads);
  return backend.output(logits.shape.slice(), out);
};

/** logits [N, K] float32 and labels [N] int32 in [0, K), or a clear error. */
function xentOperands(kernel: string, backend: NativeBackend, logits?: TensorInfo, labels?: TensorInfo) {
  if (!logits || !labels) throw new Error(`${kernel}: inputs 'logits' and 'labels' are required`);
  const xv = backend.f32(logits);
  if (!xv || logits.shape.length !== 2) throw new Error(`${kernel}: logits must be float32 [N, K], got ${logits.dtype} [${logits.shape}]`);
  const [rows, k] = logits.shape;
  const lv = backend.data.get(labels.dataId)?.values;
  if (labels.dtype !== 'int32' || !(lv instanceof Int32Array) || sizeOf(labels.shape) !== rows) {
    throw new Error(`${kernel}: labels must be int32 with ${rows} entries, got ${labels.dtype} [${labels.shape}]`);
  }
  for (let i = 0; i < lv.length; i++) {
    if (!(lv[i] >= 0 && lv[i] < k)) throw new Error(`${kernel}: label ${lv[i]} at ${i} is outside [0, ${k})`);
  }
  return { xv, lv, rows, k };
}

const xent: NativeImpl = ({ inputs, backend }) => {
  const { xv, lv, rows, k } = xentOperands(CURTAIN_SOFTMAX_XENT, backend, inputs.logits, inputs.labels);
  const out = backend.alloc(rows);
  if (rows > 0 && k > 0) backend.addon.softmaxXent(xv, lv, rows, k, out, backend.threads);
  return backend.output([rows], out);
};

const xentGrad: NativeImpl = ({ inputs, backend }) => {
  const { xv, lv, rows, k } = xentOperands(CURTAIN_SOFTMAX_XENT_GRAD, backend, inputs.logits, inputs.labels);
  const dyv = inputs.dy && backend.f32(inputs.dy);
  if (!dyv || dyv.length !== rows) throw new Error(`${CURTAIN_SOFTMAX_XENT_GRAD}: dy must be float32 [${rows}]`);
  const out = backend.alloc(rows * k);
  if (rows > 0 && k > 0) backend.addon.softmaxXentGrad(xv, lv, dyv, rows, k, out, backend.threads);
  return backend.output([rows, k], out);
};

export const softmaxOverrides: Override[] = [{ kernelName: Softmax, impl: softmax }];

/** Kernels with no cpu counterpart, registered on the native backend only. */
export const softmaxKernels: Override[] = [
  { kernelName: CURTAIN_SOFTMAX_XENT, impl: xent },
  { kernelName: CURTAIN_SOFTMAX_XENT_GRAD, impl: xentGrad },
];
