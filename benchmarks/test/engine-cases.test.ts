// The engine reference cases: FLOP counts from shapes, and one short run on the
// native backend (no timing assertions).
import '@tensorflow/tfjs';
import { nativeAvailability, registerNativeBackend } from '@curtain/backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { convAeCase, mlpCase } from '../src/engine/cases.ts';

describe('engine cases', () => {
  it('count training FLOPs from layer shapes', () => {
    // mlp: 3 dense layers, forward 2*B*(784*512 + 512*512 + 512*784); x3 except the first layer's input gradient.
    const f = (i: number, o: number) => 2 * 128 * i * o;
    expect(mlpCase.flopsPerStep).toBe(2 * f(784, 512) + 3 * f(512, 512) + 3 * f(512, 784));
    expect(convAeCase.flopsPerStep).toBeGreaterThan(1.2e9);
    expect(convAeCase.flopsPerStep).toBeLessThan(1.5e9);
  });

  it.runIf(nativeAvailability().built).each([mlpCase, convAeCase])('$name trains on native without leaking', async (c) => {
    registerNativeBackend();
    await tf.setBackend('native');
    const before = tf.memory().numTensors;
    const model = c.build(7);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) losses.push(await model.step());
    const during = tf.memory().numTensors;
    await model.step();
    expect(tf.memory().numTensors).toBe(during);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[3]).toBeLessThan(losses[0]);
  });
});
