import { tf } from '@curtain/core';

/** Fused kernels @curtain/backend-native registers (each with the same math as its composed fallback). */
export const FUSED_KERNELS = {
  softmaxCrossEntropy: 'CurtainSoftmaxCrossEntropy',
  softmaxCrossEntropyGrad: 'CurtainSoftmaxCrossEntropyGrad',
  silu: 'CurtainSilu',
  siluGrad: 'CurtainSiluGrad',
  gate: 'CurtainGate',
  gateGrad: 'CurtainGateGrad',
} as const;

/** Whether the active backend registers every one of these kernels. */
export function hasKernels(...names: string[]): boolean {
  const backend = tf.getBackend();
  return names.every((name) => tf.getKernel(name, backend) !== undefined);
}

/**
 * y = kernel(x) with gradient gradKernel(x, dy), one kernel launch each way,
 * where the active backend has both; otherwise `composed(x)` (tfjs ops, whose
 * gradient tfjs derives). With no gradient being recorded (sampling,
 * evaluation) the kernel runs alone: the custom-gradient wrapper cost about as
 * much as the kernel itself in DDPM's sampler.
 */
export function fusedUnary<T extends tf.Tensor>(kernel: string, gradKernel: string, x: T, composed: (x: T) => T): T {
  if (!hasKernels(kernel, gradKernel)) return composed(x);
  if (!tf.engine().isTapeOn()) return tf.engine().runKernel(kernel, { x }, {}) as T;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: tf.engine().runKernel(kernel, { x: input }, {}) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(gradKernel, { x: saved[0], dy }, {}) as tf.Tensor,
    };
  });
  return op(x) as T;
}
