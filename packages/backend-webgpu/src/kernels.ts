// Kernel fixes curtain registers over tfjs-backend-webgpu's own.
import * as tf from '@tensorflow/tfjs-core';

/** What an AddN program can bind: WebGPU's per-stage storage-buffer limit, minus the output. */
function maxAddNInputs(backend: unknown): number {
  const limits = (backend as { device?: GPUDevice }).device?.limits;
  return Math.max(2, (limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
}

/**
 * tfjs-backend-webgpu's AddN binds every input in one program, so summing more
 * tensors than the device has storage-buffer bindings per stage (8 by
 * default, and in compatibility mode) fails validation and yields garbage:
 * Adam's global gradient norm sums one term per variable. This AddN sums at
 * most that many at a time, carrying the partial sum into the next program,
 * so the additions happen in input order as in the cpu backend.
 */
export function registerChunkedAddN(backendName = 'webgpu'): void {
  const original = tf.getKernel(tf.AddN, backendName);
  if (!original || (original as { chunked?: boolean }).chunked) return;
  const kernelFunc: tf.KernelFunc = (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const max = maxAddNInputs(args.backend);
    if (inputs.length <= max) return original.kernelFunc(args);
    const run = (part: tf.TensorInfo[]) =>
      original.kernelFunc({ ...args, inputs: part as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
    let sum = run(inputs.slice(0, max));
    for (let start = max; start < inputs.length; start += max - 1) {
      const next = run([sum, ...inputs.slice(start, start + max - 1)]);
      (args.backend as tf.KernelBackend).disposeData(sum.dataId);
      sum = next;
    }
    return sum;
  };
  tf.unregisterKernel(tf.AddN, backendName);
  tf.registerKernel({ ...original, kernelFunc, chunked: true } as tf.KernelConfig);
}
