import { describe, expect, it } from 'vitest';
import { CURTAIN_ADAM, nativeAvailability, nativeInfo, registerNativeBackend, threadsFromEnv } from '../src/index.ts';
import { nativeOnlyKernels, nativeOverrides } from '../src/kernels/index.ts';
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

  it('overrides only kernels the cpu backend has, and names its own kernels apart from them', () => {
    const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
    const unknown = nativeOverrides.map((o) => o.kernelName).filter((name) => !cpu.has(name));
    expect(unknown).toEqual([]);
    const overridden = nativeOverrides.map((o) => o.kernelName);
    expect(new Set(overridden).size).toBe(overridden.length);
    for (const { kernelName } of nativeOnlyKernels) expect(cpu.has(kernelName)).toBe(false);
  });

  it('reads CURTAIN_THREADS strictly: unset is undefined, a non-positive or fractional value is an error naming it', () => {
    expect(threadsFromEnv({})).toBeUndefined();
    expect(threadsFromEnv({ CURTAIN_THREADS: '3' })).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two'])
      expect(() => threadsFromEnv({ CURTAIN_THREADS: bad })).toThrow(/CURTAIN_THREADS must be a positive integer/);
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
