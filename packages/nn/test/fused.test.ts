import { nativeAvailability, registerNativeBackend } from '@curtain/backend-native';
import { assertNoLeak, countFlops, discardStep, SeededRng, tf, useCpuBackend } from '@curtain/core';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, conv2d, gatedTanh, ParamStore, relu, silu, softmaxCrossEntropy } from '../src/index.ts';

const [ROWS, K] = [6, 9];
const logitsValues = Float32Array.from({ length: ROWS * K }, (_, i) => Math.sin(i * 1.7) * 4);
const labelValues = Int32Array.from({ length: ROWS }, (_, i) => (i * 5) % K);
const weights = Float32Array.from({ length: ROWS }, (_, i) => 0.5 + i / 4);

/** Weighted loss sum_i w_i * nll_i and its gradient w.r.t. the logits, on the active backend. */
function lossAndGrad(values: Float32Array): { loss: number; grad: Float32Array } {
  return tf.tidy(() => {
    const labels = tf.tensor1d(labelValues, 'int32');
    const w = tf.tensor1d(weights);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropy(x as tf.Tensor2D, labels), w));
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(values, [ROWS, K]));
    return { loss: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
  });
}

/** Brute force: -log(exp(x_label) / sum exp(x)), in float64. */
function bruteForce(values: Float32Array): number {
  let total = 0;
  for (let r = 0; r < ROWS; r++) {
    const row = Array.from(values.slice(r * K, (r + 1) * K));
    const norm = row.reduce((s, v) => s + Math.exp(v), 0);
    total += weights[r] * -Math.log(Math.exp(row[labelValues[r]]) / norm);
  }
  return total;
}

afterAll(async () => {
  await useCpuBackend();
});

const nativeBuilt = nativeAvailability().built;

/** The native backend (fused kernels registered), for the tests that compare it with cpu. */
async function useNative(): Promise<void> {
  const { name } = registerNativeBackend();
  await tf.setBackend(name);
}

describe('softmaxCrossEntropy', () => {
  it('composed path (cpu) equals brute force and its gradient is softmax - onehot', async () => {
    await useCpuBackend();
    const { loss, grad } = lossAndGrad(logitsValues);
    expect(Math.abs(loss - bruteForce(logitsValues)) / bruteForce(logitsValues)).toBeLessThan(1e-5);
    const row = Array.from(logitsValues.slice(0, K));
    const norm = row.reduce((s, v) => s + Math.exp(v), 0);
    for (let j = 0; j < K; j++) {
      const want = weights[0] * (Math.exp(row[j]) / norm - (j === labelValues[0] ? 1 : 0));
      expect(grad[j]).toBeCloseTo(want, 5);
    }
  });

  it.skipIf(!nativeBuilt)(
    'fused native kernels give the composed values and gradients, leak nothing, match central differences',
    async () => {
      await useCpuBackend();
      const composed = lossAndGrad(logitsValues);
      await useNative();
      const fused = assertNoLeak('softmaxCrossEntropy value and gradient', () => lossAndGrad(logitsValues));
      expect(Math.abs(fused.loss - composed.loss) / composed.loss).toBeLessThan(1e-5);
      for (let i = 0; i < fused.grad.length; i++) expect(fused.grad[i]).toBeCloseTo(composed.grad[i], 5);
      const eps = 1e-2;
      for (const i of [0, 7, 20, ROWS * K - 1]) {
        const up = logitsValues.slice();
        const down = logitsValues.slice();
        up[i] += eps;
        down[i] -= eps;
        const fd = (lossAndGrad(up).loss - lossAndGrad(down).loss) / (2 * eps);
        expect(Math.abs(fd - fused.grad[i]), `element ${i}`).toBeLessThan(2e-3);
      }
    },
  );
});

/** Value and input gradient of sum(w * op(x)) on the active backend. */
function activationValueAndGrad(op: (x: tf.Tensor) => tf.Tensor, shape: number[]): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 5),
      shape,
    );
    const value = op(x).dataSync() as Float32Array; // no gradient recorded: the fused kernel alone
    const w = tf.tensor(Float32Array.from({ length: value.length }, (_, i) => 0.5 + (i % 7) / 7));
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.reshape(op(input), [-1]), w)))(x);
    return { value, grad: grad.dataSync() as Float32Array };
  });
}

/** FLOPs counted for one value-and-gradient of sum(w * op(x)) on the active backend. */
async function activationFlops(op: (x: tf.Tensor) => tf.Tensor, shape: number[]): Promise<number> {
  const counted = await countFlops(() => activationValueAndGrad(op, shape));
  return counted.total;
}

describe.skipIf(!nativeBuilt)('fused activations', () => {
  for (const [name, op, shape] of [
    ['silu', silu, [2, 3, 4]],
    ['gatedTanh', gatedTanh, [2, 3, 8]],
    ['relu', relu, [2, 3, 5]],
  ] as const) {
    it(`${name}: native fused kernels give the composed values, gradients and FLOP count and leak nothing`, async () => {
      await useCpuBackend();
      const composed = activationValueAndGrad(op, [...shape]);
      const composedFlops = await activationFlops(op, [...shape]);
      await useNative();
      const fused = assertNoLeak(name, () => activationValueAndGrad(op, [...shape]));
      expect(fused.value.length).toBe(composed.value.length);
      for (let i = 0; i < fused.value.length; i++) expect(fused.value[i]).toBeCloseTo(composed.value[i], 5);
      for (let i = 0; i < fused.grad.length; i++) expect(fused.grad[i]).toBeCloseTo(composed.grad[i], 5);
      // a budget must not depend on the backend: the fused kernels count as the ops they replace
      expect(await activationFlops(op, [...shape])).toBe(composedFlops);
    });
  }

  it('record no gradient kernel when no gradient is taken, and one per fused op when it is', async () => {
    await useNative();
    const x = tf.tensor2d([-1, 2, 0.5, -3], [2, 2]);
    const forward = await tf.profile(() => relu(x));
    expect(forward.kernels.map((k) => k.name)).toEqual(['CurtainRelu']);
    tf.dispose(forward.result as tf.Tensor);
    const backward = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(relu(v)))(x));
    const names = backward.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'CurtainReluGrad')).toHaveLength(1);
    expect(names).not.toContain('Step');
    expect(Array.from((backward.result as tf.Tensor).dataSync())).toEqual([0, 1, 1, 0]);
    tf.dispose([x, backward.result as tf.Tensor]);
  });
});

describe.skipIf(!nativeBuilt)('conv2d with a bias', () => {
  it('runs one FusedConv2D without a tape, with the values and FLOPs of the Conv2D + Add it runs under one', async () => {
    await useNative();
    const store = new ParamStore(new SeededRng(9));
    const layer = conv2d(store, 'c', { kernel: 3, inChannels: 3, outChannels: 5, stride: 2 });
    const [w, b] = store.variables();
    b.assign(tf.tensor1d([0.5, -1, 2, 0.25, -0.75]));
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 7 * 7 * 3 }, (_, i) => Math.sin(i * 0.7)),
      [2, 7, 7, 3],
    );
    let plainValues: number[] = [];
    const plain = await tf.profile(() => {
      const y = layer.apply(x);
      plainValues = Array.from(y.dataSync());
      y.dispose();
    });
    expect(plain.kernels.map((k) => k.name)).toEqual(['FusedConv2D']);
    let tapedValues: number[] = [];
    const taped = await tf.profile(() =>
      tf.tidy(() => {
        const grads = tf.grads((input: tf.Tensor) => {
          const y = layer.apply(input as tf.Tensor4D);
          tapedValues = Array.from(y.dataSync());
          return tf.sum(y);
        })([x]);
        tf.dispose(grads);
      }),
    );
    const tapedNames = taped.kernels.map((k) => k.name);
    expect(tapedNames).toEqual(expect.arrayContaining(['Conv2D', 'Add', 'Conv2DBackpropInput']));
    expect(tapedNames).not.toContain('FusedConv2D');
    expect(plainValues).toEqual(tapedValues);
    const fused = await countFlops(() => layer.apply(x));
    const composed = await countFlops(() => tf.add(tf.conv2d(x, w as tf.Tensor4D, 2, 'same'), b));
    expect(fused.total).toBe(composed.total);
    tf.dispose([x, fused.result, composed.result]);
    store.dispose();
  });
});

describe.skipIf(!nativeBuilt)('Adam with global-norm clipping', () => {
  /** Three clipped Adam steps of a small least-squares problem; the weights after, and the FLOPs one step was charged. */
  async function clippedSteps(): Promise<{ weights: number[]; flops: number; norms: number[] }> {
    const store = new ParamStore(new SeededRng(4));
    const w = store.create('w', [6, 3], { normal: 1 });
    const b = store.create('b', [3], { normal: 1 });
    const x = tf.tensor2d(
      Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)),
      [4, 6],
    );
    const adam = new Adam([w, b], { learningRate: 0.05, clipNorm: 0.5 });
    const loss = () => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar;
    const norms: number[] = [];
    let flops = 0;
    for (let step = 0; step < 3; step++) {
      const counted = await countFlops(() => adam.step(loss));
      flops = counted.total;
      norms.push((await counted.result.grad_norm.data())[0]);
      discardStep(counted.result);
    }
    const weights = [...(await w.data()), ...(await b.data())];
    adam.dispose();
    store.dispose();
    x.dispose();
    return { weights, flops, norms };
  }

  it('fused norm and scaled update (native) give the composed ops (cpu) weights, norms and FLOP count, leaking nothing', async () => {
    await useCpuBackend();
    const composed = await clippedSteps();
    await useNative();
    const before = tf.memory().numTensors;
    const fused = await clippedSteps();
    expect(tf.memory().numTensors).toBe(before);
    // the gradient norm is far above 0.5, so clipping is active in every step
    for (const norm of composed.norms) expect(norm).toBeGreaterThan(1);
    fused.norms.forEach((norm, i) => {
      expect(Math.abs(norm - composed.norms[i]) / composed.norms[i]).toBeLessThan(1e-5);
    });
    fused.weights.forEach((value, i) => {
      expect(value).toBeCloseTo(composed.weights[i], 5);
    });
    expect(fused.flops).toBe(composed.flops);
    await useCpuBackend();
  });
});
