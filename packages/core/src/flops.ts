import { tf } from './tf.ts';

/**
 * Training FLOPs are counted from the kernels one real call runs, by shape:
 * hardware-independent, so budgets mean the same on every machine.
 *
 * Conventions (one multiply-add = 2 FLOPs):
 * - MatMul/BatchMatMul/_FusedMatMul: 2*batch*M*N*K (+ M*N per fused bias and activation).
 * - Conv2D/FusedConv2D and both backprops (a transposed conv is a
 *   Conv2DBackpropInput): 2 * outputs * kh * kw * cin; depthwise likewise per channel.
 *   FusedConv2D adds one per output for its bias (so it counts as the Conv2D
 *   and Add it replaces) and one for prelu weights; a fused activation is not
 *   visible in a profile and is not counted (curtain fuses only the bias).
 * - Reductions and pooling: one FLOP per input element.
 * - Elementwise kernels: one FLOP per output element.
 * - Pure data movement (reshape, slice, concat, transpose, cast, fill...): zero.
 * - The fused optimiser kernel `CurtainAdam` counts as the unfused Adam it
 *   replaces (ADAM_FLOPS_PER_PARAM per parameter, one more with a clipping
 *   scale), and `CurtainSumSquares` as the square, sum and AddN of the global
 *   norm, so a budget does not depend on which backend ran it.
 * - The fused softmax cross-entropy kernels likewise count as the composed
 *   log-softmax and one-hot pick they replace, per logit: forward 7 (max, sub,
 *   exp, sum, sub of log-softmax; multiply and sum of the pick), gradient 6;
 *   fused SiLU 2 per element (sigmoid, multiply), its gradient 6; the fused
 *   PixelCNN gate 3 per output (tanh, sigmoid, multiply), its gradient 8;
 *   fused ReLU 1 per element, its gradient 2 (tfjs's Step and Multiply).
 */
export const ADAM_FLOPS_PER_PARAM = 14;
export const SOFTMAX_XENT_FLOPS_PER_LOGIT = 7;
export const SOFTMAX_XENT_GRAD_FLOPS_PER_LOGIT = 6;
const FUSED_ACTIVATION_FLOPS: Record<string, number> = {
  CurtainSilu: 2,
  CurtainSiluGrad: 6,
  CurtainGate: 3,
  CurtainGateGrad: 8,
  CurtainRelu: 1,
  CurtainReluGrad: 2,
};

const DATA_MOVEMENT = new Set([
  'Reshape',
  'Identity',
  'Cast',
  'Transpose',
  'Concat',
  'Slice',
  'StridedSlice',
  'Pad',
  'PadV2',
  'MirrorPad',
  'Tile',
  'Fill',
  'ZerosLike',
  'OnesLike',
  'Pack',
  'Unpack',
  'ExpandDims',
  'Squeeze',
  'BroadcastTo',
  'Reverse',
  'Range',
  'GatherV2',
  'GatherNd',
  'ScatterNd',
  'Complex',
  'Real',
  'Imag',
  'OneHot',
  'SplitV',
  'DepthToSpace',
  'SpaceToDepth',
  'BatchToSpaceND',
  'SpaceToBatchND',
  'Multinomial',
  'RandomUniform',
  'RandomNormal',
  'RandomStandardNormal',
  'TruncatedNormal',
  'StopGradient',
  'ResizeNearestNeighbor',
  'ResizeNearestNeighborGrad',
  'TensorScatterUpdate',
  'Einsum_never',
]);

const REDUCTIONS = new Set([
  'Sum',
  'Mean',
  'Max',
  'Min',
  'Prod',
  'All',
  'Any',
  'ArgMax',
  'ArgMin',
  'Cumsum',
  'Cumprod',
  'MaxPool',
  'AvgPool',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'UnsortedSegmentSum',
  'Softmax',
  'LogSoftmax',
]);

const size = (shape: readonly number[] | undefined): number => (shape ? shape.reduce((product, d) => product * d, 1) : 0);

function matmulFlops(inputs: number[][], outputs: number[][], fusedExtras: number): number {
  const [a] = inputs;
  const out = outputs[0];
  const rank = out.length;
  const m = out[rank - 2];
  const n = out[rank - 1];
  const batch = size(out.slice(0, -2));
  const aBatch = size(a.slice(0, -2));
  const k = size(a) / (aBatch * m);
  return 2 * batch * m * n * k + fusedExtras * batch * m * n;
}

/** FLOPs of one kernel call from its name and shapes. */
export function kernelFlops(name: string, inputShapes: number[][], outputShapes: number[][]): number {
  const out = outputShapes[0];
  switch (name) {
    case 'MatMul':
    case 'BatchMatMul':
      return matmulFlops(inputShapes, outputShapes, 0);
    case '_FusedMatMul':
      // inputs: a, b, [bias], [preluActivationWeights]; bias add and activation
      return matmulFlops(inputShapes, outputShapes, Math.max(0, inputShapes.length - 2) + 1);
    case 'Conv2D':
    case 'FusedConv2D': {
      // inputs: x, filter, [bias], [preluActivationWeights]: one FLOP per output for each
      const [kh, kw, cin] = inputShapes[1];
      return 2 * size(out) * kh * kw * cin + (inputShapes.length - 2) * size(out);
    }
    case 'Conv2DBackpropInput': {
      // inputs: dy [B, Ho, Wo, Cout], filter [kh, kw, Cin, Cout]
      const [kh, kw, cin] = inputShapes[1];
      return 2 * size(inputShapes[0]) * kh * kw * cin;
    }
    case 'Conv2DBackpropFilter': {
      // inputs: x, dy; output: filter [kh, kw, Cin, Cout]
      const [kh, kw, cin] = out;
      return 2 * size(inputShapes[1]) * kh * kw * cin;
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const [kh, kw] = inputShapes[1];
      return 2 * size(out) * kh * kw;
    }
    case 'DepthwiseConv2dNativeBackpropInput': {
      const [kh, kw] = inputShapes[1];
      return 2 * size(inputShapes[0]) * kh * kw;
    }
    case 'DepthwiseConv2dNativeBackpropFilter': {
      const [kh, kw] = out;
      return 2 * size(inputShapes[1]) * kh * kw;
    }
    case 'CurtainAdam':
      // inputs: variable, grad, m, v and, with clipping, the scale (one multiply per gradient element)
      return (ADAM_FLOPS_PER_PARAM + (inputShapes.length > 4 ? 1 : 0)) * size(inputShapes[0]);
    case 'CurtainSumSquares':
      // a square and a sum per element of every input, and the sum of the per-input sums (one AddN output)
      return 2 * inputShapes.reduce((total, shape) => total + size(shape), 0) + 1;
    case 'CurtainSoftmaxCrossEntropy':
      return SOFTMAX_XENT_FLOPS_PER_LOGIT * size(inputShapes[0]);
    case 'CurtainSoftmaxCrossEntropyGrad':
      return SOFTMAX_XENT_GRAD_FLOPS_PER_LOGIT * size(inputShapes[0]);
    case 'CurtainSilu':
    case 'CurtainSiluGrad':
    case 'CurtainGate':
    case 'CurtainRelu':
    case 'CurtainReluGrad':
      return FUSED_ACTIVATION_FLOPS[name] * size(outputShapes[0]);
    case 'CurtainGateGrad':
      return FUSED_ACTIVATION_FLOPS[name] * size(inputShapes[1]); // per gate output: dy
    default:
      if (DATA_MOVEMENT.has(name)) return 0;
      if (REDUCTIONS.has(name)) return size(inputShapes[0]);
      return outputShapes.reduce((total, shape) => total + size(shape), 0);
  }
}

export interface FlopCount {
  total: number;
  /** FLOPs per kernel name, largest first. */
  byKernel: Array<{ kernel: string; flops: number; calls: number; ms: number }>;
  kernelCalls: number;
  /** Wall time of the profiled call, ms (profiling adds overhead: a rough figure). */
  ms: number;
}

type ProfileKernel = { name: string; inputShapes: number[][]; outputShapes: number[][]; kernelTimeMs: number | { error: string } };

/**
 * Runs `fn` once under tf.profile (awaiting it if it is asynchronous) and
 * counts the FLOPs of every kernel it ran. What `fn` returns is handed back
 * as `result`, untouched: the caller owns any tensors in it.
 */
export async function countFlops<T>(fn: () => T | Promise<T>): Promise<FlopCount & { result: T }> {
  const start = performance.now();
  let result: T | undefined;
  const info = await tf.profile(async () => {
    result = await fn();
    return [];
  });
  const ms = performance.now() - start;
  const perKernel = new Map<string, { flops: number; calls: number; ms: number }>();
  let total = 0;
  for (const k of info.kernels as unknown as ProfileKernel[]) {
    const flops = kernelFlops(k.name, k.inputShapes.filter(Boolean), k.outputShapes.filter(Boolean));
    total += flops;
    const entry = perKernel.get(k.name) ?? { flops: 0, calls: 0, ms: 0 };
    entry.flops += flops;
    entry.calls += 1;
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    perKernel.set(k.name, entry);
  }
  const byKernel = [...perKernel.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.flops - a.flops);
  return { total, byKernel, kernelCalls: info.kernels.length, ms, result: result as T };
}
