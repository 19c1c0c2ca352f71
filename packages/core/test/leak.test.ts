import { beforeAll, describe, expect, it } from 'vitest';
import { assertNoLeak, assertNoLeakAsync, TensorLeakError, tf, useCpuBackend } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

describe('leak guard', () => {
  it('passes a function that cleans up', () => {
    expect(
      assertNoLeak('tidy', () =>
        tf.tidy(
          () =>
            tf
              .add(tf.ones([3]), 1)
              .sum()
              .dataSync()[0],
        ),
      ),
    ).toBe(6);
  });

  it('fails a function that leaves tensors behind', () => {
    let leaked: tf.Tensor | undefined;
    expect(() =>
      assertNoLeak('leaky', () => {
        leaked = tf.ones([3]).add(1);
      }),
    ).toThrow(TensorLeakError);
    leaked?.dispose();
  });

  it('allows tensors returned on purpose and works for async code', async () => {
    const kept = assertNoLeak('returns one', () => tf.ones([2]), 1);
    kept.dispose();
    await expect(
      assertNoLeakAsync('async leak', async () => {
        tf.zeros([1]);
      }),
    ).rejects.toThrow(/async leak leaked 1 tensor/);
  });
});
