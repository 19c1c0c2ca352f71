// Fused SiLU, gate and ReLU kernels: forward against the composed tfjs ops on cpu,
// each gradient kernel against central differences of its forward kernel.
import { describe, expect, it } from 'vitest';
import { CURTAIN_GATE, CURTAIN_GATE_GRAD, CURTAIN_RELU, CURTAIN_RELU_GRAD, CURTAIN_SILU, CURTAIN_SILU_GRAD } from '../src/index.ts';
import { compareWithCpu, input, nativeBackends, rand, runOn, tf } from './helpers.ts';

const backends = nativeBackends();
const run = (kernel: string, inputs: Record<string, tf.Tensor>) => tf.engine().runKernel(kernel, inputs, {}) as tf.Tensor;

const cases = [
  {
    name: 'SiLU',
    kernel: CURTAIN_SILU,
    grad: CURTAIN_SILU_GRAD,
    shape: [2, 3, 3, 4],
    composed: (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x)),
  },
  {
    name: 'gate',
    kernel: CURTAIN_GATE,
    grad: CURTAIN_GATE_GRAD,
    shape: [2, 3, 3, 6],
    composed: (x: tf.Tensor) => {
      const [a, b] = tf.split(x, 2, -1);
      return tf.mul(tf.tanh(a), tf.sigmoid(b));
    },
  },
  {
    name: 'ReLU',
    kernel: CURTAIN_RELU,
    grad: CURTAIN_RELU_GRAD,
    shape: [2, 3, 3, 4],
    composed: (x: tf.Tensor) => tf.relu(x),
  },
];

describe.each(backends)('%s fused activations', (backend) => {
  for (const c of cases) {
    it(`${c.kernel} equals the composed ${c.name} on cpu, small and multi-threaded sizes`, () => {
      for (const shape of [c.shape, [16, 28, 28, c.shape[3] * 4]]) {
        const xs = input(shape, 41, -6, 6);
        const got = runOn(backend, [xs], (x) => run(c.kernel, { x }))[0];
        const want = runOn('cpu', [xs], c.composed)[0];
        expect(got.shape).toEqual(want.shape);
        for (let i = 0; i < got.values.length; i += 97) expect(got.values[i]).toBeCloseTo(want.values[i], 5);
      }
      expect(compareWithCpu(backend, [input(c.shape, 42, -6, 6)], c.composed)).toBeLessThan(1e-5);
    });

    it(`${c.grad} matches central differences of ${c.kernel}`, () => {
      tf.setBackend(backend);
      const x = rand(
        c.shape.reduce((a, b) => a * b, 1),
        43,
        -3,
        3,
      );
      const yShape = tf.tidy(() => run(c.kernel, { x: tf.tensor(x, c.shape) }).shape);
      const w = rand(
        yShape.reduce((a, b) => a * b, 1),
        44,
        0.5,
        1.5,
      );
      const loss = (v: Float32Array) =>
        tf.tidy(() => tf.sum(tf.mul(run(c.kernel, { x: tf.tensor(v, c.shape) }), tf.tensor(w, yShape))).dataSync()[0]);
      const grad = tf.tidy(() => run(c.grad, { x: tf.tensor(x, c.shape), dy: tf.tensor(w, yShape) }).dataSync());
      const eps = 1e-2;
      for (let i = 0; i < x.length; i += 5) {
        if (Math.abs(x[i]) < 2 * eps) continue; // ReLU's kink: no central difference there
        const up = x.slice();
        const down = x.slice();
        up[i] += eps;
        down[i] -= eps;
        expect(Math.abs((loss(up) - loss(down)) / (2 * eps) - grad[i]), `element ${i}`).toBeLessThan(2e-3);
      }
    });
  }

  it(`${CURTAIN_RELU_GRAD} equals tfjs's Relu gradient at zero, negatives and NaN`, () => {
    const x = { values: Float32Array.from([-1, 0, 2, Number.NaN, 1e-30, -0]), shape: [6] };
    const dy = { values: Float32Array.from([3, 3, 3, 3, 3, 3]), shape: [6] };
    const want = runOn('cpu', [x, dy], (a, b) => tf.grad((v: tf.Tensor) => tf.relu(v))(a, b))[0];
    const got = runOn(backend, [x, dy], (a, b) => run(CURTAIN_RELU_GRAD, { x: a, dy: b }))[0];
    expect(Array.from(got.values)).toEqual(Array.from(want.values));
    expect(Array.from(want.values)).toEqual([0, 0, 3, Number.NaN, 3, 0]);
  });

  it('reject an odd gate width and a mismatched dy, naming the kernel', () => {
    tf.setBackend(backend);
    tf.tidy(() => {
      expect(() => run(CURTAIN_GATE, { x: tf.zeros([2, 3]) })).toThrow(/CurtainGate: last axis of x must be even/);
      expect(() => run(CURTAIN_SILU_GRAD, { x: tf.zeros([4]), dy: tf.zeros([3]) })).toThrow(/CurtainSiluGrad: dy has 3 values/);
      expect(() => run(CURTAIN_RELU_GRAD, { x: tf.zeros([4]), dy: tf.zeros([3]) })).toThrow(/CurtainReluGrad: dy has 3 values/);
    });
  });
});
