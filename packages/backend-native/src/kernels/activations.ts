// Fused activation kernels with their gradients (csrc/activations.cc, csrc/elementwise.cc):
// CurtainSilu (x -> x * sigmoid(x)), CurtainSiluGrad (x, dy -> dx),
// CurtainGate (x [..., 2F] -> tanh(a) * sigmoid(b) [..., F]), CurtainGateGrad (x, dy -> dx),
// CurtainRelu (x -> max(x, 0)), CurtainReluGrad (x, dy -> dy * step(x): one pass where
// tfjs's Relu gradient runs Step, Cast and Multiply).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend.ts';
import { RELU_GRAD_OP, UNARY } from './ops.ts';
import type { NativeImpl, Override } from './types.ts';

export const CURTAIN_SILU = 'CurtainSilu';
export const CURTAIN_SILU_GRAD = 'CurtainSiluGrad';
export const CURTAIN_GATE = 'CurtainGate';
export const CURTAIN_GATE_GRAD = 'CurtainGateGrad';
export const CURTAIN_RELU = 'CurtainRelu';
export const CURTAIN_RELU_GRAD = 'CurtainReluGrad';

function f32Input(kernel: string, backend: NativeBackend, t: TensorInfo | undefined, name: string): Float32Array {
  const v = t && backend.f32(t);
  if (!t || !v) throw new Error(`${kernel}: input '${name}' must be a float32 tensor, got ${t?.dtype ?? 'nothing'}`);
  return v;
}

/** A kernel x -> y of x's shape, y computed by `run` (skipped when x is empty). */
function sameShape(kernel: string, run: (backend: NativeBackend, x: Float32Array, out: Float32Array) => void): NativeImpl {
  return ({ inputs, backend }) => {
    const xv = f32Input(kernel, backend, inputs.x, 'x');
    const out = backend.alloc(xv.length);
    if (xv.length > 0) run(backend, xv, out);
    return backend.output(inputs.x.shape.slice(), out);
  };
}

/** A gradient kernel (x, dy of x's size) -> dx of x's shape, dx computed by `run`. */
function sameShapeGrad(
  kernel: string,
  run: (backend: NativeBackend, x: Float32Array, dy: Float32Array, out: Float32Array, shape: number[]) => void,
): NativeImpl {
  return ({ inputs, backend }) => {
    const xv = f32Input(kernel, backend, inputs.x, 'x');
    const dyv = f32Input(kernel, backend, inputs.dy, 'dy');
    if (dyv.length !== xv.length) throw new Error(`${kernel}: dy has ${dyv.length} values, x has ${xv.length}`);
    const out = backend.alloc(xv.length);
    if (xv.length > 0) run(backend, xv, dyv, out, inputs.x.shape);
    return backend.output(inputs.x.shape.slice(), out);
  };
}

const silu = sameShape(CURTAIN_SILU, (b, x, out) => b.addon.silu(0, x, null, out, b.threads));
const siluGrad = sameShapeGrad(CURTAIN_SILU_GRAD, (b, x, dy, out) => b.addon.silu(1, x, dy, out, b.threads));
const relu = sameShape(CURTAIN_RELU, (b, x, out) => b.addon.unary(UNARY.Relu, x, out, 0, b.threads));
const reluGrad = sameShapeGrad(CURTAIN_RELU_GRAD, (b, x, dy, out, shape) =>
  b.addon.binary(RELU_GRAD_OP, dy, shape, x, shape, out, shape, b.threads),
);

/** x [..., 2F] as rows x F, or a clear error. */
function gateGeometry(kernel: string, x: TensorInfo): { rows: number; f: number } {
  const last = x.shape[x.shape.length - 1];
  if (x.shape.length === 0 || last % 2 !== 0) throw new Error(`${kernel}: last axis of x must be even (2F), got shape [${x.shape}]`);
  const f = last / 2;
  return { rows: f === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / last, f };
}

const gate: NativeImpl = ({ inputs, backend }) => {
  const xv = f32Input(CURTAIN_GATE, backend, inputs.x, 'x');
  const { rows, f } = gateGeometry(CURTAIN_GATE, inputs.x);
  const out = backend.alloc(rows * f);
  if (rows * f > 0) backend.addon.gate(0, xv, null, rows, f, out, backend.threads);
  return backend.output([...inputs.x.shape.slice(0, -1), f], out);
};

const gateGrad: NativeImpl = ({ inputs, backend }) => {
  const xv = f32Input(CURTAIN_GATE_GRAD, backend, inputs.x, 'x');
  const dyv = f32Input(CURTAIN_GATE_GRAD, backend, inputs.dy, 'dy');
  const { rows, f } = gateGeometry(CURTAIN_GATE_GRAD, inputs.x);
  if (dyv.length !== rows * f) throw new Error(`${CURTAIN_GATE_GRAD}: dy has ${dyv.length} values, expected ${rows * f}`);
  const out = backend.alloc(xv.length);
  if (rows * f > 0) backend.addon.gate(1, xv, dyv, rows, f, out, backend.threads);
  return backend.output(inputs.x.shape.slice(), out);
};

export const activationKernels: Override[] = [
  { kernelName: CURTAIN_SILU, impl: silu },
  { kernelName: CURTAIN_SILU_GRAD, impl: siluGrad },
  { kernelName: CURTAIN_GATE, impl: gate },
  { kernelName: CURTAIN_GATE_GRAD, impl: gateGrad },
  { kernelName: CURTAIN_RELU, impl: relu },
  { kernelName: CURTAIN_RELU_GRAD, impl: reluGrad },
];
