// The data-movement kernels (float32 boxes copied natively, other dtypes in
// JavaScript) and the pooling / resize kernels (native) must give what the cpu backend gives: slices off every axis, splits,
// pads, transposes, concats, average pooling and nearest-neighbour resizing
// with their gradients.
import { describe, expect, it } from 'vitest';
import { built, compareWithCpu, type Input, input, nativeBackends, tf } from './helpers.ts';

const backends = built ? nativeBackends().slice(0, 1) : [];

describe.runIf(built)('data-movement kernels match cpu exactly', () => {
  for (const backend of backends) {
    it(`Slice and SplitV off every axis (${backend})`, () => {
      const x = input([3, 5, 7, 4], 1);
      expect(compareWithCpu(backend, [x], (t) => tf.slice(t, [1, 2, 3, 1], [2, 3, 4, 2]))).toBe(0);
      expect(compareWithCpu(backend, [x], (t) => tf.slice(t, [0, 0, 0, 3], [3, 5, 7, 1]))).toBe(0);
      expect(compareWithCpu(backend, [x], (t) => tf.split(t, [1, 3], 3))).toBe(0);
      expect(compareWithCpu(backend, [x], (t) => tf.split(t, [2, 3, 2], 2))).toBe(0);
      expect(compareWithCpu(backend, [input([2, 70, 3], 2)], (t) => tf.slice(t, [0, 1, 0], [2, 66, 3]))).toBe(0);
      // int32 boxes take the JavaScript copy
      const asInt = (t: tf.Tensor) => tf.cast(tf.mul(t, 100), 'int32');
      expect(compareWithCpu(backend, [x], (t) => tf.slice(asInt(t), [1, 2, 3, 1], [2, 3, 4, 2]))).toBe(0);
      expect(compareWithCpu(backend, [x], (t) => tf.concat(tf.split(asInt(t), [1, 3], 3).reverse(), 3))).toBe(0);
    });

    it(`PadV2, Transpose and Concat (${backend})`, () => {
      const x = input([2, 5, 6, 3], 3);
      expect(
        compareWithCpu(backend, [x], (t) =>
          tf.pad(
            t,
            [
              [0, 1],
              [2, 0],
              [1, 3],
              [0, 2],
            ],
            0.5,
          ),
        ),
      ).toBe(0);
      for (const perm of [
        [0, 3, 1, 2],
        [3, 2, 1, 0],
        [0, 2, 1, 3],
        [1, 0, 2, 3],
      ]) {
        expect(compareWithCpu(backend, [x], (t) => tf.transpose(t, perm))).toBe(0);
      }
      const y = input([2, 5, 6, 2], 4);
      expect(compareWithCpu(backend, [x, y], (a, b) => tf.concat([a, b], 3))).toBe(0);
      expect(compareWithCpu(backend, [x, x], (a, b) => tf.concat([a, b], 1))).toBe(0);
    });

    it(`boxes whose trailing dimensions are whole (copied as one run) into recycled buffers (${backend})`, () => {
      const x = input([3, 12, 10, 8], 9); // over the pool's 1,024-float minimum
      // pads and slices along each axis: 0, 1 or 2 whole trailing dimensions merge into the run
      for (let axis = 0; axis < 4; axis++) {
        const paddings = [0, 1, 2, 3].map((d) => (d === axis ? [1, 2] : [0, 0])) as Array<[number, number]>;
        const begin = [0, 1, 2, 3].map((d) => (d === axis ? 1 : 0));
        const size = [3, 12, 10, 8].map((n, d) => (d === axis ? n - 2 : n));
        for (let rep = 0; rep < 3; rep++) {
          // the second and third rounds get buffers freed by the first: the zeros of a pad must still be written
          expect(compareWithCpu(backend, [x], (t) => tf.pad(t, paddings))).toBe(0);
          expect(compareWithCpu(backend, [x], (t) => tf.slice(t, begin, size))).toBe(0);
          expect(compareWithCpu(backend, [x], (t) => tf.slice(tf.pad(t, paddings, 7), begin, size))).toBe(0);
        }
      }
      expect(compareWithCpu(backend, [x, x], (a, b) => tf.concat([a, b], 0))).toBe(0);
      expect(compareWithCpu(backend, [x, x], (a, b) => tf.concat([a, b], 2))).toBe(0);
    });

    it(`AvgPool, AvgPoolGrad, ResizeNearestNeighbor and its gradient (${backend})`, () => {
      const x = input([2, 7, 6, 3], 5);
      for (const [size, stride, pad] of [
        [2, 2, 'valid'],
        [3, 2, 'same'],
        [3, 1, 'same'],
        [2, 1, 'valid'],
      ] as const) {
        expect(compareWithCpu(backend, [x], (t) => tf.avgPool(t as tf.Tensor4D, size, stride, pad))).toBeLessThan(1e-6);
        expect(
          compareWithCpu(backend, [x], (t) =>
            tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(v as tf.Tensor4D, size, stride, pad), tf.range(1, 4))))(t),
          ),
        ).toBeLessThan(1e-6);
      }
      // nearest resizing, up and down, integer and not: the forward pass equals cpu's
      const small = input([2, 4, 3, 2], 6);
      for (const size of [
        [8, 6],
        [12, 3],
        [7, 5],
        [3, 2],
      ] as Array<[number, number]>) {
        expect(compareWithCpu(backend, [small], (t) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size))).toBe(0);
        expect(maxError(resizeGradient(backend, small, size), exactResizeGradient(small, size))).toBe(0);
      }
      // on one batch item the cpu gradient is right, and equals ours
      const one = input([1, 4, 3, 2], 8);
      expect(
        compareWithCpu(backend, [one], (t) =>
          tf.grad((v: tf.Tensor) =>
            tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, [8, 6]), tf.range(0, 96).reshape([1, 8, 6, 2]))),
          )(t),
        ),
      ).toBeLessThan(1e-6);
      // corner modes stay with the cpu kernel
      expect(compareWithCpu(backend, [small], (t) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [7, 5], true))).toBe(0);
      expect(compareWithCpu(backend, [small], (t) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [7, 5], false, true))).toBe(0);
    });

    it(`gives the exact nearest-resize gradient past the first batch item, where tfjs-backend-cpu's is wrong (${backend})`, () => {
      const x = input([3, 5, 4, 3], 9);
      const exact = exactResizeGradient(x, [10, 8]);
      expect(maxError(resizeGradient(backend, x, [10, 8]), exact)).toBe(0);
      // the stock kernel reads dy at the images' batch stride: a plain port of it would fail the line above
      expect(maxError(resizeGradient('cpu', x, [10, 8]), exact)).toBeGreaterThan(1);
    });

    it(`AvgPool and nearest resizing split a large batch across threads and still match cpu (${backend})`, () => {
      const big = input([24, 14, 14, 64], 7);
      expect(compareWithCpu(backend, [big], (t) => tf.avgPool(t as tf.Tensor4D, 2, 2, 'valid'))).toBeLessThan(1e-6);
      expect(
        compareWithCpu(backend, [big], (t) => tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.avgPool(v as tf.Tensor4D, 2, 2, 'valid'))))(t)),
      ).toBeLessThan(1e-6);
      expect(compareWithCpu(backend, [big], (t) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [28, 28]))).toBe(0);
      expect(maxError(resizeGradient(backend, big, [28, 28]), exactResizeGradient(big, [28, 28]))).toBe(0);
    });
  }
});

/** Weights of the loss sum(resize(x) * w) whose gradient the resize tests take: distinct per output element. */
const lossWeights = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 101 - 0.5);

/** d/dx sum(resizeNearest(x, size) * w) on `backend`. */
function resizeGradient(backend: string, x: Input, size: [number, number]): Float32Array {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const w = tf.tensor(lossWeights(b * size[0] * size[1] * c), [b, size[0], size[1], c]);
    const t = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
    return tf
      .grad((v: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, size), w)))(t)
      .dataSync() as Float32Array;
  });
}

/** The same gradient by hand: each output pixel's weight goes to the source pixel floor(y * inH / outH), floor(x * inW / outW). */
function exactResizeGradient(x: Input, [outH, outW]: [number, number]): Float32Array {
  const [b, inH, inW, c] = x.shape;
  const w = lossWeights(b * outH * outW * c);
  const dx = new Float32Array(b * inH * inW * c);
  for (let n = 0; n < b; n++)
    for (let y = 0; y < outH; y++)
      for (let xx = 0; xx < outW; xx++) {
        const sy = Math.min(inH - 1, Math.floor((inH / outH) * y));
        const sx = Math.min(inW - 1, Math.floor((inW / outW) * xx));
        for (let k = 0; k < c; k++) dx[((n * inH + sy) * inW + sx) * c + k] += w[((n * outH + y) * outW + xx) * c + k];
      }
  return dx;
}

function maxError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
