// Corrections to stock tfjs-backend-cpu 4.22 kernels that compute wrong
// results, registered in place of the originals when curtain activates 'cpu'.
//
// ResizeNearestNeighborGrad: tfjs offsets `dy` by the batch stride of `images`
// (the smaller input), so for batch > 1 every image after the first gathers
// gradients from the wrong image. Found by comparing the webgpu backend's
// gradients with the cpu backend's (the webgpu kernel is right).
import { tf } from './tf.ts';

const KERNEL = 'ResizeNearestNeighborGrad';

interface CpuData {
  data: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
}

interface GradArgs {
  inputs: { images: tf.TensorInfo; dy: tf.TensorInfo };
  backend: CpuData;
  attrs: { alignCorners?: boolean };
}

/** Scatters each `dy` pixel back onto the input pixel the forward pass copied it from. */
function resizeNearestNeighborGrad({ inputs, backend, attrs }: GradArgs): tf.TensorInfo {
  const { images, dy } = inputs;
  const [batch, xHeight, xWidth, depth] = images.shape;
  const [, yHeight, yWidth] = dy.shape;
  const align = attrs.alignCorners === true;
  const scale = (x: number, y: number) => (align && y > 1 ? (x - 1) / (y - 1) : x / y);
  const rowScale = scale(xHeight, yHeight);
  const colScale = scale(xWidth, yWidth);
  const source = (i: number, s: number, size: number) => Math.min(size - 1, align ? Math.round(i * s) : Math.floor(i * s));
  const dyValues = backend.data.get(dy.dataId).values;
  const output = new Float32Array(batch * xHeight * xWidth * depth);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < yHeight; y++) {
      const row = source(y, rowScale, xHeight);
      for (let x = 0; x < yWidth; x++) {
        const col = source(x, colScale, xWidth);
        const from = ((b * yHeight + y) * yWidth + x) * depth; // dy [B, yH, yW, C]
        const to = ((b * xHeight + row) * xWidth + col) * depth; // dx [B, xH, xW, C]
        for (let d = 0; d < depth; d++) output[to + d] += dyValues[from + d];
      }
    }
  }
  return backend.makeTensorInfo(images.shape, images.dtype, output);
}

const fixed = resizeNearestNeighborGrad as unknown as tf.KernelFunc;

/** Registers the corrected cpu kernels (idempotent). */
export function fixCpuKernels(): void {
  if (tf.getKernel(KERNEL, 'cpu')?.kernelFunc === fixed) return;
  tf.unregisterKernel(KERNEL, 'cpu');
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: fixed });
}
