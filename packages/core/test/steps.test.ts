import { describe, expect, it } from 'vitest';
import { DivergedError, discardStep, finishStep, isReadStep, readStepStats, type StepStats, tf, useCpuBackend } from '../src/index.ts';

describe('step statistics', () => {
  it('reads scalars back in one call and disposes them', async () => {
    await useCpuBackend();
    const before = tf.memory().numTensors;
    const stats = await readStepStats({ loss: tf.scalar(1.5), kl: tf.scalar(-2) });
    expect(stats).toEqual({ loss: 1.5, kl: -2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads every k-th step and always the last of a budget', () => {
    const read = Array.from({ length: 7 }, (_, i) => i + 1).filter((step) => isReadStep(step, 3, 7));
    expect(read).toEqual([3, 6, 7]);
    expect([1, 2, 3].every((step) => isReadStep(step, 1, 3))).toBe(true);
  });

  it('finishes a step: feeds the model what it read, discards unread steps, and names a divergence', async () => {
    await useCpuBackend();
    const seen: StepStats[] = [];
    const model = { observe: (stats: StepStats) => seen.push(stats) };
    const before = tf.memory().numTensors;
    expect(await finishStep(model, { loss: tf.scalar(1) }, 1, false)).toBeUndefined();
    expect(await finishStep(model, { loss: tf.scalar(2), d: tf.scalar(3) }, 2, true)).toEqual({ loss: 2, d: 3 });
    expect(seen).toEqual([{ loss: 2, d: 3 }]);
    const diverged = finishStep(model, { loss: tf.scalar(0.5), kl: tf.scalar(Number.NaN) }, 9, true);
    await expect(diverged).rejects.toBeInstanceOf(DivergedError);
    await expect(finishStep(model, { loss: tf.scalar(Number.POSITIVE_INFINITY) }, 4, true)).rejects.toThrow(
      /diverged at step 4: loss = Infinity/,
    );
    discardStep({ loss: tf.scalar(0) });
    expect(seen).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
