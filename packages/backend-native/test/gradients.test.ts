// Gradients through the native kernels (conv with strides 1 and 2, conv transpose, matmul, broadcasting,
// activations, reductions, average pooling): native vs cpu, and native vs central differences.
import { describe, expect, it } from 'vitest';
import { type Input, input, nativeBackends, relErr, tf } from './helpers.ts';

const backends = nativeBackends();

// A small conv -> dense -> conv-transpose net with every overridden op on the path.
function loss(
  x: tf.Tensor,
  k1: tf.Tensor,
  b1: tf.Tensor,
  w: tf.Tensor,
  k2: tf.Tensor,
  k3: tf.Tensor,
  k4: tf.Tensor,
  c: tf.Tensor,
): tf.Scalar {
  const h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 2, 'same'), b1)); // [2,4,4,3]
  const z = tf.sigmoid(tf.matMul(tf.reshape(h, [2, 48]), w)); // [2,48]
  const y = tf.conv2dTranspose(tf.reshape(z, [2, 4, 4, 3]) as tf.Tensor4D, k2 as tf.Tensor4D, [2, 7, 7, 2], 2, 'same'); // [2,7,7,2]
  const e = tf.sub(tf.tanh(y), tf.mul(c, tf.scalar(0.5)));
  // (nearest resizing is checked apart, in movement.test.ts: the cpu kernel's gradient is wrong past batch item 0)
  const pooled = tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid'); // [2,2,2,3]
  const smooth = tf.mul(tf.mean(tf.square(pooled)), 0.1);
  // stride-1 layers on the direct kernels: 2 -> 9 channels (output vectors, the last partial),
  // then 9 -> 2 (the narrow kernel, vectorised over the filter's runs)
  const wide = tf.conv2d(tf.tanh(y) as tf.Tensor4D, k3 as tf.Tensor4D, 1, 'same'); // [2,7,7,9]
  const narrow = tf.conv2d(tf.tanh(wide) as tf.Tensor4D, k4 as tf.Tensor4D, 1, 'valid'); // [2,5,5,2]
  const direct = tf.mul(tf.mean(tf.square(narrow)), 0.1);
  return tf.add(tf.add(tf.add(tf.mean(tf.square(e)), tf.mul(tf.sum(tf.maximum(h, 0.1)), 1e-3)), smooth), direct) as tf.Scalar;
}

const inputs: Input[] = [
  input([2, 7, 7, 2], 1),
  input([3, 3, 2, 3], 2),
  input([3], 3),
  input([48, 48], 4, -0.3, 0.3),
  input([3, 3, 2, 3], 5),
  input([3, 3, 2, 9], 7),
  input([3, 3, 9, 2], 8, -0.3, 0.3),
  input([2, 7, 7, 2], 6),
];

function gradsOn(backend: string, ins: Input[]): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const ts = ins.map((i) => tf.tensor(i.values, i.shape));
    const g = tf.grads((...a: tf.Tensor[]) =>
      loss(...(a as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor])),
    )(ts);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}

function lossOn(backend: string, ins: Input[]): number {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const ts = ins.map((i) => tf.tensor(i.values, i.shape));
    return loss(...(ts as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor])).dataSync()[0];
  });
}

describe.each(backends)('%s gradients', (backend) => {
  it('match the cpu backend for every input', () => {
    const got = gradsOn(backend, inputs);
    const want = gradsOn('cpu', inputs);
    for (const [i, g] of got.entries()) expect(relErr(g, want[i]), `input ${i}`).toBeLessThan(1e-4);
  });

  it('match central differences', () => {
    const got = gradsOn(backend, inputs);
    const eps = 1e-2;
    for (let which = 0; which < inputs.length - 1; which++) {
      const n = inputs[which].values.length;
      const scale = Math.max(...Array.from(got[which], Math.abs), 1e-3);
      for (const idx of [0, Math.floor(n / 2), n - 1]) {
        const bump = (d: number): Input[] =>
          inputs.map((inp, j) => {
            if (j !== which) return inp;
            const v = inp.values.slice();
            v[idx] += d;
            return { shape: inp.shape, values: v };
          });
        const fd = (lossOn(backend, bump(eps)) - lossOn(backend, bump(-eps))) / (2 * eps);
        expect(Math.abs(fd - got[which][idx]) / scale, `input ${which} index ${idx}`).toBeLessThan(2e-2);
      }
    }
  });
});
