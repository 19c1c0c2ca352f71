// The webgpu backend on the software adapter computes what the cpu backend
// computes: a loss through every kind of kernel curtain's models use, and its
// gradients, within 1e-4 relative; reading back is asynchronous and leak-free.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adapterLabel } from '../src/index.ts';
import { webgpuForTests } from '../src/testing.ts';

const gpu = await webgpuForTests();

/** ‖a − b‖∞ ≤ tol · max(‖a‖∞, 1e-6): relative to the tensor's scale, not per element. */
function expectClose(actual: Float32Array | Int32Array, expected: Float32Array | Int32Array, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1e-6;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  expect(worst / scale).toBeLessThanOrEqual(tol);
}

/** Every kernel family the paradigms train with, in one scalar loss. */
function lossOf(x: tf.Tensor4D, w: tf.Variable[]): tf.Scalar {
  const [k1, k2, dense] = w;
  const h = tf.softplus(tf.conv2d(x, k1 as tf.Tensor4D, 1, 'same')); // [2, 8, 8, 4]
  const pooled = tf.avgPool(tf.maxPool(h, 2, 2, 'same'), 2, 1, 'same'); // [2, 4, 4, 4]
  const up = tf.conv2dTranspose(pooled, k2 as tf.Tensor4D, [2, 8, 8, 1], 2, 'same'); // [2, 8, 8, 1]
  const logits = tf.matMul(tf.reshape(tf.tanh(up), [2, 64]), dense as tf.Tensor2D); // [2, 10]
  const nll = tf.neg(tf.mean(tf.logSoftmax(logits)));
  return tf.add(nll, tf.mean(tf.sigmoid(up))) as tf.Scalar;
}

/** Loss and gradients on `backend`, built from the same seeded values. */
async function lossAndGrads(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
  const w = tf.tidy(() => [
    tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.4, 'float32', 1)),
    tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.4, 'float32', 2)),
    tf.variable(tf.randomNormal([64, 10], 0, 0.2, 'float32', 3)),
  ]);
  const { value, grads } = tf.variableGrads(() => lossOf(x, w), w);
  const out = [(await value.data()) as Float32Array];
  for (const v of w) out.push((await grads[v.name].data()) as Float32Array);
  tf.dispose([x, value, ...w, ...Object.values(grads)]);
  return out;
}

describe.skipIf(gpu.skipReason !== undefined)('webgpu backend (software adapter)', () => {
  it('names the adapter it opened as software', () => {
    const r = gpu.registration!;
    expect(r.adapter.software).toBe(true);
    expect(r.label).toBe(adapterLabel(r.adapter));
    expect(r.label).toMatch(/llvmpipe|lavapipe|swiftshader/i);
  });

  it('gives the loss and gradients of the cpu backend within 1e-4 relative', async () => {
    const expected = await lossAndGrads('cpu');
    const actual = await lossAndGrads('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(actual.length).toBe(expected.length);
    for (const [i, a] of actual.entries()) expectClose(a, expected[i]);
  });

  it('runs a loss and its gradients without leaking tensors', async () => {
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    await lossAndGrads('webgpu');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads device tensors back with data(), the one readback that works on a GPU', async () => {
    await tf.setBackend('webgpu');
    const t = tf.tidy(() => tf.add(tf.range(0, 6, 1, 'float32'), 1));
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    t.dispose();
  });

  it('sums more tensors than one program can bind (AddN in chunks)', async () => {
    const sum = async (backend: string) => {
      await tf.setBackend(backend);
      const terms = Array.from({ length: 45 }, (_, i) => tf.randomNormal([3, 5], 0, 1, 'float32', i + 1));
      const total = tf.addN(terms);
      const values = (await total.data()) as Float32Array;
      tf.dispose([...terms, total]);
      return values;
    };
    const expected = await sum('cpu');
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    expectClose(await sum('webgpu'), expected, 1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
