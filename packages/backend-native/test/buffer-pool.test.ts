// Output buffers are recycled after their tensor is freed, but never one that
// was handed out (dataSync) or that another live tensor still uses.
import { describe, expect, it } from 'vitest';
import { built, input, nativeBackends, tf } from './helpers.ts';

const backends = built ? nativeBackends() : [];

describe.each(backends)('%s buffer reuse', (backend) => {
  it('keeps arrays returned by dataSync intact after dispose', () => {
    tf.setBackend(backend);
    const x = tf.tensor(input([4096], 1).values, [4096]);
    const y = tf.mul(x, 2);
    const held = y.dataSync();
    const copy = Float32Array.from(held);
    y.dispose();
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.mul(x, 3 + i).dataSync());
    expect(Array.from(held)).toEqual(Array.from(copy));
    x.dispose();
  });

  it('gives correct results while buffers of one size are freed and reused', () => {
    tf.setBackend(backend);
    const xs = [1, 2, 3].map((s) => tf.tensor(input([64, 100], s).values, [64, 100]));
    let acc = tf.zeros([64, 100]);
    const want = new Float64Array(6400);
    for (let step = 0; step < 20; step++) {
      const next = tf.tidy(() => tf.add(acc, tf.mul(tf.sub(xs[step % 3], xs[(step + 1) % 3]), 0.5)));
      acc.dispose();
      acc = next;
      const a = xs[step % 3].dataSync(),
        b = xs[(step + 1) % 3].dataSync();
      for (let i = 0; i < 6400; i++) want[i] += Math.fround((a[i] - b[i]) * 0.5);
    }
    const got = acc.dataSync();
    for (let i = 0; i < 6400; i += 97) expect(got[i]).toBeCloseTo(want[i], 4);
    tf.dispose([acc, ...xs]);
  });

  it('a variable keeps its value while the tensor it was assigned from is disposed', () => {
    tf.setBackend(backend);
    const v = tf.variable(tf.zeros([50, 50]));
    const src = tf.add(tf.ones([50, 50]), 1);
    v.assign(src);
    src.dispose();
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.add(tf.ones([50, 50]), i));
    expect(v.dataSync()[0]).toBe(2);
    v.dispose();
  });
});

describe('BufferPool eviction', () => {
  it('keeps idle memory under its cap by dropping the lengths used least recently, not the ones in use', async () => {
    const { BufferPool } = await import('../src/buffer-pool.ts');
    const pool = new BufferPool();
    const MB = 2 ** 20 / 4; // floats per MiB
    // an "evaluation" phase frees 60 buffers of 4 MiB: 240 MiB idle, close to the 256 MiB cap
    const evaluation = Array.from({ length: 60 }, () => pool.take(4 * MB));
    for (const b of evaluation) pool.release(b);
    expect(pool.idle).toBe(240 * 2 ** 20);
    // a "training" phase cycles 10 buffers of 3 MiB: each release must still be pooled and reused
    const training = Array.from({ length: 10 }, () => pool.take(3 * MB));
    for (const b of training) pool.release(b);
    expect(pool.idle).toBeLessThanOrEqual(256 * 2 ** 20);
    const again = Array.from({ length: 10 }, () => pool.take(3 * MB));
    expect(again.every((b) => training.includes(b))).toBe(true); // reused, not fresh
  });
});
