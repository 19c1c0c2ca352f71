// Native binary (broadcasting), unary and AddN kernels for float32.
import { AddN, backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { BINARY, UNARY } from './ops.ts';
import { type NativeImpl, type Override, sizeOf } from './types.ts';

function binaryImpl(op: number): NativeImpl {
  return ({ inputs, backend }) => {
    const { a, b } = inputs;
    const av = backend.f32(a),
      bv = backend.f32(b);
    if (!av || !bv) return undefined;
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.alloc(sizeOf(shape));
    if (out.length > 0) backend.addon.binary(op, av, a.shape, bv, b.shape, out, shape, backend.threads);
    return backend.output(shape, out);
  };
}

function unaryImpl(op: number, alphaAttr?: string): NativeImpl {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = backend.f32(x);
    if (!xv) return undefined;
    const out = backend.alloc(xv.length);
    const alpha = alphaAttr ? Number(attrs[alphaAttr] ?? 0) : 0;
    if (out.length > 0) backend.addon.unary(op, xv, out, alpha, backend.threads);
    return backend.output(x.shape.slice(), out);
  };
}

const addN: NativeImpl = ({ inputs, backend }) => {
  const tensors = inputs as unknown as TensorInfo[];
  const values = tensors.map((t) => backend.f32(t));
  if (tensors.length < 2 || values.some((v) => !v)) return undefined;
  const shape = tensors[0].shape;
  if (tensors.some((t) => t.shape.join() !== shape.join())) return undefined;
  const out = backend.alloc(values[0]!.length);
  backend.addon.binary(BINARY.Add, values[0]!, shape, values[1]!, shape, out, shape, backend.threads);
  for (let i = 2; i < values.length; i++) {
    backend.addon.binary(BINARY.Add, out, shape, values[i]!, shape, out, shape, backend.threads);
  }
  return backend.output(shape.slice(), out);
};

export const elementwiseOverrides: Override[] = [
  ...Object.entries(BINARY).map(([kernelName, op]) => ({ kernelName, impl: binaryImpl(op) })),
  ...Object.entries(UNARY)
    .filter(([name]) => name !== 'Linear')
    .map(([kernelName, op]) => ({
      kernelName,
      impl: unaryImpl(op, kernelName === 'Step' || kernelName === 'LeakyRelu' ? 'alpha' : undefined),
    })),
  { kernelName: AddN, impl: addN },
];
