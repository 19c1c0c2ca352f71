// Softmax and the fused softmax cross-entropy kernels: forward against the
// composed tfjs ops on cpu, the gradient kernel against central differences of
// the forward kernel, bad labels rejected with a clear error.
import { describe, expect, it } from 'vitest';
import { CURTAIN_SOFTMAX_XENT, CURTAIN_SOFTMAX_XENT_GRAD } from '../src/index.ts';
import { compareWithCpu, input, nativeBackends, rand, relErr, tf } from './helpers.ts';

const backends = nativeBackends();

function labelsFor(rows: number, k: number, seed: number): Int32Array {
  return Int32Array.from(rand(rows, seed, 0, k), Math.floor);
}

function xent(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(CURTAIN_SOFTMAX_XENT, { logits, labels }, {}) as tf.Tensor;
}

function xentGrad(logits: tf.Tensor, labels: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(CURTAIN_SOFTMAX_XENT_GRAD, { logits, labels, dy }, {}) as tf.Tensor;
}

describe.each(backends)('%s softmax kernels', (backend) => {
  it('Softmax matches cpu for 2-way to 256-way rows, including large logits', () => {
    for (const [shape, scale] of [
      [[1, 2], 1],
      [[7, 10], 3],
      [[3, 5, 256], 30],
      [[600, 256], 1],
    ] as [number[], number][]) {
      const err = compareWithCpu(backend, [input(shape, shape.length * 11, -scale, scale)], (x) => tf.softmax(x));
      expect(err, `${shape}`).toBeLessThan(1e-5);
    }
  });

  it(`${CURTAIN_SOFTMAX_XENT} equals -log softmax picked at the label`, () => {
    const [rows, k] = [300, 256];
    const x = rand(rows * k, 5, -8, 8);
    const labels = labelsFor(rows, k, 6);
    tf.setBackend('cpu');
    const want = tf.tidy(() =>
      tf.neg(tf.sum(tf.mul(tf.logSoftmax(tf.tensor2d(x, [rows, k])), tf.oneHot(tf.tensor1d(labels, 'int32'), k)), 1)).dataSync(),
    );
    tf.setBackend(backend);
    const got = tf.tidy(() => xent(tf.tensor2d(x, [rows, k]), tf.tensor1d(labels, 'int32')).dataSync());
    expect(relErr(got, want)).toBeLessThan(1e-5);
  });

  it(`${CURTAIN_SOFTMAX_XENT_GRAD} matches central differences of the forward kernel`, () => {
    tf.setBackend(backend);
    const [rows, k] = [5, 13];
    const x = rand(rows * k, 7, -3, 3);
    const labels = tf.tensor1d(labelsFor(rows, k, 8), 'int32');
    const dyv = rand(rows, 9, 0.5, 2);
    const dy = tf.tensor1d(dyv);
    // weighted loss L(x) = sum_r dy[r] * xent(x)[r]
    const loss = (v: Float32Array) => tf.tidy(() => tf.sum(tf.mul(xent(tf.tensor2d(v, [rows, k]), labels), dy)).dataSync()[0]);
    const grad = tf.tidy(() => xentGrad(tf.tensor2d(x, [rows, k]), labels, dy).dataSync());
    const eps = 1e-2;
    for (let i = 0; i < x.length; i++) {
      const up = x.slice();
      const down = x.slice();
      up[i] += eps;
      down[i] -= eps;
      const fd = (loss(up) - loss(down)) / (2 * eps);
      expect(Math.abs(fd - grad[i]), `element ${i}`).toBeLessThan(2e-3);
    }
    tf.dispose([labels, dy]);
  });

  it('rejects labels outside [0, K) and non-int32 labels, naming the kernel', () => {
    tf.setBackend(backend);
    tf.tidy(() => {
      const logits = tf.zeros([2, 4]);
      expect(() => xent(logits, tf.tensor1d([0, 4], 'int32'))).toThrow(/CurtainSoftmaxCrossEntropy: label 4 at 1 is outside \[0, 4\)/);
      expect(() => xent(logits, tf.tensor1d([0, 1]))).toThrow(/labels must be int32/);
    });
  });
});
