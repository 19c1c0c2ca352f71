// The fused Adam update kernel `CurtainAdam`: returns [newVariable, newM, newV];
// an optional scalar input `scale` multiplies the gradient first (global-norm
// clipping). `CurtainSumSquares`: the sum of squares of all its inputs, a
// scalar (the squared global gradient norm in one kernel, not two per variable).
import type { NativeImpl } from './types.ts';

export const CURTAIN_ADAM = 'CurtainAdam';
export const CURTAIN_SUM_SQUARES = 'CurtainSumSquares';

export interface CurtainAdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step count used for bias correction. */
  step: number;
}

export const curtainAdam: NativeImpl = ({ inputs, backend, attrs }) => {
  const { variable } = inputs;
  const names = ['variable', 'grad', 'm', 'v'] as const;
  if (!variable) throw new Error(`${CURTAIN_ADAM}: missing input 'variable'`);
  const vals = names.map((k) => {
    const t = inputs[k];
    if (!t) throw new Error(`${CURTAIN_ADAM}: missing input '${k}'`);
    const f = backend.f32(t);
    if (!f) throw new Error(`${CURTAIN_ADAM}: input '${k}' must be float32, got ${t.dtype}`);
    if (f.length !== backend.f32(variable)?.length || t.shape.join() !== variable.shape.join()) {
      throw new Error(`${CURTAIN_ADAM}: input '${k}' has shape [${t.shape}], expected [${variable.shape}]`);
    }
    return f;
  });
  const { lr, beta1, beta2, epsilon, step } = attrs as unknown as CurtainAdamAttrs;
  for (const [k, val] of Object.entries({ lr, beta1, beta2, epsilon, step })) {
    if (typeof val !== 'number' || !Number.isFinite(val)) throw new Error(`${CURTAIN_ADAM}: attr '${k}' must be a finite number`);
  }
  let gradScale = 1;
  if (inputs.scale) {
    const scale = backend.f32(inputs.scale);
    if (scale?.length !== 1) throw new Error(`${CURTAIN_ADAM}: input 'scale' must be a float32 scalar`);
    gradScale = scale[0];
  }
  const n = vals[0].length;
  const outVar = backend.alloc(n),
    outM = backend.alloc(n),
    outV = backend.alloc(n);
  if (n > 0)
    backend.addon.adam(vals[0], vals[1], vals[2], vals[3], outVar, outM, outV, lr, beta1, beta2, epsilon, step, backend.threads, gradScale);
  const shape = variable.shape.slice();
  return [backend.output(shape, outVar), backend.output(shape.slice(), outM), backend.output(shape.slice(), outV)];
};

export const curtainSumSquares: NativeImpl = ({ inputs, backend }) => {
  let total = 0;
  for (const [name, t] of Object.entries(inputs)) {
    const values = backend.f32(t);
    if (!values) throw new Error(`${CURTAIN_SUM_SQUARES}: input '${name}' must be float32, got ${t.dtype}`);
    total += backend.addon.sumSquares(values);
  }
  const out = backend.alloc(1);
  out[0] = total;
  return backend.output([], out);
};
