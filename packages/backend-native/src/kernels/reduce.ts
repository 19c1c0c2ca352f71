// Native Sum/Mean/Max/Min over one contiguous run of axes (x viewed as [outer, r, inner]).
import { Max, Mean, Min, Sum, util } from '@tensorflow/tfjs-core';
import { REDUCE } from './ops.ts';
import { type NativeImpl, type Override, sizeOf } from './types.ts';

function reduceImpl(op: number, axisAttr: string): NativeImpl {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = backend.f32(x);
    if (!xv) return undefined;
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape).sort((p, q) => p - q);
    if (axes.length === 0) return undefined;
    for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return undefined;
    const first = axes[0],
      last = axes[axes.length - 1];
    const outer = sizeOf(x.shape.slice(0, first));
    const r = sizeOf(x.shape.slice(first, last + 1));
    const inner = sizeOf(x.shape.slice(last + 1));
    if (r === 0 && (op === REDUCE.Max || op === REDUCE.Min)) return undefined;
    const keep = Boolean(attrs.keepDims);
    const shape = x.shape.flatMap((d, i) => (i >= first && i <= last ? (keep ? [1] : []) : [d]));
    const out = backend.alloc(outer * inner);
    if (out.length > 0) backend.addon.reduce(op, xv, outer, r, inner, out, backend.threads);
    return backend.output(shape, out);
  };
}

export const reduceOverrides: Override[] = [
  { kernelName: Sum, impl: reduceImpl(REDUCE.Sum, 'axis') },
  { kernelName: Mean, impl: reduceImpl(REDUCE.Mean, 'axis') },
  { kernelName: Max, impl: reduceImpl(REDUCE.Max, 'reductionIndices') },
  { kernelName: Min, impl: reduceImpl(REDUCE.Min, 'axis') },
];
