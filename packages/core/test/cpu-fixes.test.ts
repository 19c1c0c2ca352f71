// The cpu backend curtain activates computes the gradient of nearest-neighbour
// upsampling correctly for every image of a batch (stock tfjs 4.22 does not).
import { describe, expect, it } from 'vitest';
import { tf, useCpuBackend } from '../src/index.ts';

/** d/dx sum(resize(x) * dy) by brute force: each output pixel adds dy to its source pixel. */
function bruteForce(dy: Float32Array, [b, h, w, c]: number[], scale: number): Float32Array {
  const out = new Float32Array(b * h * w * c);
  for (let n = 0; n < b; n++)
    for (let y = 0; y < h * scale; y++)
      for (let x = 0; x < w * scale; x++)
        for (let d = 0; d < c; d++) {
          const from = ((n * h * scale + y) * w * scale + x) * c + d;
          out[((n * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c + d] += dy[from];
        }
  return out;
}

describe('cpu kernel fixes', () => {
  it('ResizeNearestNeighborGrad sums each block of every image in a batch of 3', async () => {
    await useCpuBackend();
    const shape: [number, number, number, number] = [3, 2, 3, 2];
    const dyShape = [3, 4, 6, 2] as [number, number, number, number];
    const dyValues = Float32Array.from({ length: 3 * 4 * 6 * 2 }, (_, i) => (i * 7) % 11);
    const x = tf.zeros(shape) as tf.Tensor4D;
    const dy = tf.tensor4d(dyValues, dyShape);
    const grad = tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [4, 6]));
    const dx = grad(x, dy);
    expect(Array.from(await dx.data())).toEqual(Array.from(bruteForce(dyValues, shape, 2)));
    tf.dispose([x, dy, dx]);
  });
});
