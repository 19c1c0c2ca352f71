// The JavaScript data-movement kernels must give exactly what the cpu backend
// gives: slices off every axis, splits, pads, transposes, concats, average
// pooling and the pooling / nearest-neighbour resize gradients.
import { describe, expect, it } from 'vitest';
import { built, compareWithCpu, input, nativeBackends, tf } from './helpers.ts';

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

    it(`AvgPool, AvgPoolGrad and ResizeNearestNeighborGrad (${backend})`, () => {
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
      const small = input([2, 4, 3, 2], 6);
      expect(
        compareWithCpu(backend, [small], (t) =>
          tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, [8, 6]), tf.range(0, 2))))(t),
        ),
      ).toBeLessThan(1e-6);
    });
  }
});
