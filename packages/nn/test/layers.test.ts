import { SeededRng, tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, ParamStore, pointwise } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

function randomInput(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  new SeededRng(seed).fillNormal(values, 1);
  return tf.tensor4d(values, shape);
}

describe('layers', () => {
  it('pointwise is a 1x1 convolution with the same weights, as one matrix product', () => {
    const store = new ParamStore(new SeededRng(3));
    const layer = pointwise(store, 'p', { inChannels: 4, outChannels: 6 });
    const [w, b] = store.variables();
    expect(w.shape).toEqual([4, 6]);
    expect(b.shape).toEqual([6]);
    // a nonzero bias, so that leaving it out would show
    b.assign(tf.range(0, 6).div(10) as tf.Tensor1D);
    const x = randomInput([2, 3, 5, 4], 1);
    const y = layer.apply(x);
    const viaConv = tf.add(tf.conv2d(x, tf.reshape(w, [1, 1, 4, 6]) as tf.Tensor4D, 1, 'same'), b);
    expect(y.shape).toEqual([2, 3, 5, 6]);
    expect(tf.max(tf.abs(tf.sub(y, viaConv))).dataSync()[0]).toBeLessThan(1e-5);
    const noBias = new ParamStore(new SeededRng(3));
    pointwise(noBias, 'p', { inChannels: 4, outChannels: 6, bias: false });
    expect(noBias.variables().length).toBe(1);
    tf.dispose([x, y, viaConv]);
    store.dispose();
    noBias.dispose();
  });

  it('conv2d takes a rectangular kernel and explicit padding: a causal row filter reads only columns at or left of its own', () => {
    const store = new ParamStore(new SeededRng(5));
    const layer = conv2d(store, 'row', {
      kernel: [1, 3],
      inChannels: 1,
      outChannels: 1,
      padding: [
        [0, 0],
        [0, 0],
        [2, 0],
        [0, 0],
      ],
    });
    expect(store.variables()[0].shape).toEqual([1, 3, 1, 1]);
    const x = randomInput([1, 2, 6, 1], 2);
    const column = 3;
    const grad = tf.grad((input: tf.Tensor) => tf.slice(layer.apply(input as tf.Tensor4D), [0, 0, column, 0], [1, 1, 1, 1]).sum())(x);
    const g = grad.dataSync();
    for (let c = 0; c < 6; c++) {
      const reads = Math.abs(g[c]) > 0; // row 0
      expect(reads).toBe(c <= column && c >= column - 2);
      expect(g[6 + c]).toBe(0); // row 1 is never read
    }
    expect(layer.apply(x).shape).toEqual([1, 2, 6, 1]);
    tf.dispose([x, grad]);
    store.dispose();
  });
});
