// BatchMatMul and _FusedMatMul through the addon's GEMM (OpenBLAS or bundled).
import { _FusedMatMul, BatchMatMul, backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend.ts';
import { activationCode, BINARY } from './ops.ts';
import { type NativeImpl, type Override, sizeOf } from './types.ts';

/** op(a) @ op(b) with broadcast outer dims (one side 1 or both equal), or undefined. */
export function nativeMatMul(
  backend: NativeBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo | undefined {
  const av = backend.f32(a),
    bv = backend.f32(b);
  if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ra = a.shape.length,
    rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ka !== kb)
    throw new Error(
      `Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  const outerA = a.shape.slice(0, -2),
    outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA),
    batchB = sizeOf(outerB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = Math.max(batchA, batchB);
  if (sizeOf(outer) !== batch) return undefined;
  const out = backend.alloc(batch * m * n);
  if (out.length > 0) {
    backend.addon.gemm(
      backend.useBlas,
      backend.threads,
      transposeA,
      transposeB,
      m,
      n,
      ka,
      av,
      batchA === 1 ? 0 : m * ka,
      bv,
      batchB === 1 ? 0 : ka * n,
      out,
      batch,
    );
  }
  return backend.output([...outer, m, n], out);
}

/** In-place bias add + activation on a fresh output; false when not natively possible. */
export function applyBiasActivation(
  backend: NativeBackend,
  y: TensorInfo,
  bias: TensorInfo | undefined,
  activation: unknown,
  alpha: unknown,
): boolean {
  const act = activationCode(activation);
  const yv = backend.f32(y);
  if (act === undefined || !yv) return false;
  const cols = y.shape[y.shape.length - 1] ?? 1;
  const rows = cols === 0 ? 0 : yv.length / cols;
  let biasV: Float32Array | null = null;
  if (bias) {
    const bv = backend.f32(bias);
    if (!bv) return false;
    const trailing = bv.length === cols && bias.shape.slice(0, -1).every((d) => d === 1) && bias.shape.length <= y.shape.length;
    if (trailing) biasV = bv;
    else {
      const outShape = backend_util.assertAndGetBroadcastShape(y.shape, bias.shape);
      if (outShape.join() !== y.shape.join()) return false;
      backend.addon.binary(BINARY.Add, yv, y.shape, bv, bias.shape, yv, y.shape, backend.threads);
    }
  }
  if (yv.length > 0) backend.addon.biasAct(yv, biasV, rows, cols, act, Number(alpha ?? 0.2), backend.threads);
  return true;
}

const batchMatMul: NativeImpl = ({ inputs, backend, attrs }) =>
  nativeMatMul(backend, inputs.a, inputs.b, Boolean(attrs.transposeA), Boolean(attrs.transposeB));

const fusedMatMul: NativeImpl = ({ inputs, backend, attrs }) => {
  if (activationCode(attrs.activation) === undefined) return undefined;
  if (inputs.bias && !backend.f32(inputs.bias)) return undefined;
  const y = nativeMatMul(backend, inputs.a, inputs.b, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
  if (!y) return undefined;
  if (!applyBiasActivation(backend, y, inputs.bias, attrs.activation, attrs.leakyreluAlpha)) {
    backend.disposeIntermediateTensorInfo(y);
    return undefined;
  }
  return y;
};

export const matmulOverrides: Override[] = [
  { kernelName: BatchMatMul, impl: batchMatMul },
  { kernelName: _FusedMatMul, impl: fusedMatMul },
];
