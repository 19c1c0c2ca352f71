// 100 training steps of a small conv model with the fused Adam kernel: the
// tensor count stays constant and RSS stays roughly flat.
import { describe, expect, it } from 'vitest';
import { CURTAIN_ADAM } from '../src/index.ts';
import { input, nativeBackends, tf } from './helpers.ts';

const backends = nativeBackends();

describe.each(backends)('%s training loop', (backend) => {
  it('does not leak tensors or memory over 100 steps', () => {
    tf.setBackend(backend);
    const x = tf.tensor(input([16, 12, 12, 1], 1, 0, 1).values, [16, 12, 12, 1]);
    const vars = [
      tf.variable(tf.randomUniform([3, 3, 1, 8], -0.3, 0.3, 'float32', 1)),
      tf.variable(tf.zeros([8])),
      tf.variable(tf.randomUniform([288, 144], -0.1, 0.1, 'float32', 2)),
      tf.variable(tf.zeros([144])),
    ];
    const m: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
    const s: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
    const f = () => {
      const h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, vars[0] as tf.Tensor4D, 2, 'same'), vars[1]));
      const y = tf.add(tf.matMul(tf.reshape(h, [16, 288]), vars[2]), vars[3]);
      return tf.losses.meanSquaredError(tf.reshape(x, [16, 144]), y) as tf.Scalar;
    };
    const losses: number[] = [];
    const counts: number[] = [];
    let rssAt10 = 0;
    for (let step = 1; step <= 100; step++) {
      const { value, grads } = tf.variableGrads(f, vars);
      vars.forEach((v, i) => {
        const [nv, nm, ns] = tf
          .engine()
          .runKernel(
            CURTAIN_ADAM,
            { variable: v, grad: grads[v.name], m: m[i], v: s[i] },
            { lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step },
          ) as tf.Tensor[];
        v.assign(nv);
        tf.dispose([nv, m[i], s[i]]);
        m[i] = nm;
        s[i] = ns;
      });
      losses.push(value.dataSync()[0]);
      tf.dispose([value, ...Object.values(grads)]);
      counts.push(tf.memory().numTensors);
      if (step === 10) rssAt10 = process.memoryUsage().rss;
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(losses[99]).toBeLessThan(losses[0]);
    expect(process.memoryUsage().rss - rssAt10).toBeLessThan(64 * 1024 * 1024);
    tf.dispose([x, ...vars, ...m, ...s]);
  });
});
