import { HOST_COLUMNS, hostFingerprint, tf, UsageError } from '@curtain/core';
import { describe, expect, it } from 'vitest';
import { probeBackends, requestedBackend, selectBackend } from '../src/index.ts';

describe('backend choice', () => {
  it('reads --backend, --backend=, then CURTAIN_BACKEND', () => {
    expect(requestedBackend(['node', 'x', '--backend', 'cpu'], {})).toBe('cpu');
    expect(requestedBackend(['node', 'x', '--backend=wasm'], {})).toBe('wasm');
    expect(requestedBackend(['node', 'x'], { CURTAIN_BACKEND: 'native' })).toBe('native');
    expect(requestedBackend(['node', 'x'], {})).toBeUndefined();
    expect(() => requestedBackend(['node', 'x', '--backend'], {})).toThrow(/--backend needs a value/);
  });

  it('rejects unknown names with the list of known ones', async () => {
    await expect(selectBackend('gpu')).rejects.toThrow(/unknown backend 'gpu'; expected one of tensorflow, webgpu, native, wasm, cpu/);
  });

  it('says how to get an unavailable backend', async () => {
    const availability = await probeBackends();
    expect(availability.cpu.available).toBe(true);
    if (!availability.tensorflow.available) {
      const attempt = selectBackend('tensorflow');
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(selectBackend('tensorflow')).rejects.toThrow(/pnpm add -w @tensorflow\/tfjs-node/);
    }
  });

  it('activates cpu on request and fingerprints the host', async () => {
    const lines: string[] = [];
    const info = await selectBackend('cpu', { log: (line) => lines.push(line) });
    expect(tf.getBackend()).toBe('cpu');
    expect(lines.at(-1)).toMatch(/^backend cpu/);
    const fp = hostFingerprint(info);
    expect(Object.keys(fp).sort()).toEqual([...HOST_COLUMNS].sort());
    expect(fp.host_cores).toBeGreaterThan(0);
    expect(fp.tfjs_version).toBe('4.22.0');
  });
});
