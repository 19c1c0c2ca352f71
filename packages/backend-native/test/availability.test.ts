import { describe, expect, it } from 'vitest';
import { CURTAIN_ADAM, nativeAvailability, nativeInfo, registerNativeBackend } from '../src/index.ts';
import { built, tf } from './helpers.ts';

describe('availability and registration', () => {
  it('reports whether the addon loads, with a reason when it does not', () => {
    const a = nativeAvailability();
    if (a.built) expect(a.reason).toBeUndefined();
    else expect(a.reason).toMatch(/addon/);
  });

  it.runIf(built)('registers idempotently under a name and reports blas and threads', () => {
    const first = registerNativeBackend({ name: 'native-reg-test', gemm: 'bundled', threads: 1 });
    const again = registerNativeBackend({ name: 'native-reg-test', gemm: 'bundled', threads: 1 });
    expect(again).toEqual(first);
    expect(first).toEqual({ name: 'native-reg-test', blas: 'bundled', threads: 1 });
    expect(nativeInfo('native-reg-test')).toMatchObject({ blas: 'bundled', threads: 1 });
    // Every cpu kernel is available on the native backend, plus the fused Adam.
    const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName);
    const native = new Set(tf.getKernelsForBackend('native-reg-test').map((k) => k.kernelName));
    for (const k of cpu) expect(native.has(k)).toBe(true);
    expect(tf.getKernel(CURTAIN_ADAM, 'native-reg-test')).toBeDefined();
    expect(tf.getKernel(CURTAIN_ADAM, 'cpu')).toBeUndefined();
  });

  it.runIf(built)('does not switch the active backend', () => {
    tf.setBackend('cpu');
    registerNativeBackend({ name: 'native-noswitch' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it.runIf(built)('rejects a bad thread count', () => {
    expect(() => registerNativeBackend({ name: 'native-bad', threads: 0 })).toThrow(/threads/);
  });
});
