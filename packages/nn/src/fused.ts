import { tf } from '@curtain/core';

/** Fused kernels @curtain/backend-native registers (each with the same math as its composed fallback). */
export const FUSED_KERNELS = {
  softmaxCrossEntropy: 'CurtainSoftmaxCrossEntropy',
  softmaxCrossEntropyGrad: 'CurtainSoftmaxCrossEntropyGrad',
  silu: 'CurtainSilu',
  siluGrad: 'CurtainSiluGrad',
  gate: 'CurtainGate',
  gateGrad: 'CurtainGateGrad',
  relu: 'CurtainRelu',
  reluGrad: 'CurtainReluGrad',
} as const;

/** Whether the active backend registers every one of these kernels. */
export function hasKernels(...names: string[]): boolean {
  const backend = tf.getBackend();
  return names.every((name) => tf.getKernel(name, backend) !== undefined);
}

const run = (kernel: string, inputs: tf.NamedTensorMap): tf.Tensor => tf.engine().runKernel(kernel, inputs, {}) as tf.Tensor;

/**
 * The gradient of each fused forward kernel: its gradient kernel on the saved
 * inputs and dy. Registered with tfjs like a built-in kernel's gradient (not
 * through tf.customGrad, whose wrapper costs a scope, a tape node and clones
 * per call and which the FLOP counter would charge as an extra elementwise op).
 */
const FUSED_GRADIENTS: readonly tf.GradConfig[] = [
  ...(['silu', 'gate', 'relu'] as const).map(
    (name): tf.GradConfig => ({
      kernelName: FUSED_KERNELS[name],
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({ x: () => run(FUSED_KERNELS[`${name}Grad`], { x: saved[0], dy: dy as tf.Tensor }) }),
    }),
  ),
  {
    kernelName: FUSED_KERNELS.softmaxCrossEntropy,
    inputsToSave: ['logits', 'labels'],
    // labels are integers: no gradient flows to them
    gradFunc: (dy, saved) => ({
      logits: () => run(FUSED_KERNELS.softmaxCrossEntropyGrad, { logits: saved[0], labels: saved[1], dy: dy as tf.Tensor }),
    }),
  },
];

/**
 * Registers the fused gradients with tfjs the first time one is needed in a
 * process (tfjs keeps one gradient registry): one lookup per call after that.
 */
function ensureGradient(kernel: string): void {
  if (tf.getGradient(kernel) !== undefined) return;
  for (const config of FUSED_GRADIENTS) if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
}

/**
 * One fused kernel launch (and one gradient kernel launch in backprop) where
 * the active backend has the kernel and its gradient kernel; otherwise
 * `composed()` (tfjs ops, whose gradient tfjs derives).
 */
export function runFused<T extends tf.Tensor>(kernel: string, gradKernel: string, inputs: tf.NamedTensorMap, composed: () => T): T {
  if (!hasKernels(kernel, gradKernel)) return composed();
  ensureGradient(kernel);
  return run(kernel, inputs) as T;
}

/** y = kernel(x), differentiable through gradKernel(x, dy); `composed(x)` where the backend lacks them. */
export function fusedUnary<T extends tf.Tensor>(kernel: string, gradKernel: string, x: T, composed: (x: T) => T): T {
  return runFused(kernel, gradKernel, { x }, () => composed(x));
}
