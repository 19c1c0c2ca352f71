import { describe, expect, it } from 'vitest';
import { contentHash, frozenDefaults, mergeConfig, stableStringify, UsageError } from '../src/index.ts';

const DEFAULTS = frozenDefaults({ width: 32, depth: 2, lr: 1e-3, schedule: 'linear', nested: { a: 1 } });

describe('config helpers', () => {
  it('merges overrides over frozen defaults without mutating them', () => {
    const merged = mergeConfig(DEFAULTS, { width: 64 });
    expect(merged.width).toBe(64);
    expect(merged.depth).toBe(2);
    expect(DEFAULTS.width).toBe(32);
    expect(Object.isFrozen(merged)).toBe(true);
    expect(() => {
      (DEFAULTS as { width: number }).width = 1;
    }).toThrow();
  });

  it('refuses unknown keys and wrong types, naming the key', () => {
    expect(() => mergeConfig(DEFAULTS, { widht: 3 } as never, 'vae config')).toThrow(/vae config: unknown key 'widht'/);
    expect(() => mergeConfig(DEFAULTS, { width: '64' } as never)).toThrow(UsageError);
  });

  it('hashes by content, not key order', () => {
    const a = contentHash({ b: 1, a: [1, { y: 2, x: 3 }] });
    const b = contentHash({ a: [1, { x: 3, y: 2 }], b: 1 });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(contentHash({ b: 2, a: [1, { x: 3, y: 2 }] })).not.toBe(a);
  });

  it('round-trips through JSON with the same hash', () => {
    const merged = mergeConfig(DEFAULTS, { lr: 3e-4 });
    const back = JSON.parse(JSON.stringify(merged));
    expect(back).toEqual(merged);
    expect(contentHash(back)).toBe(contentHash(merged));
  });

  it('rejects non-finite numbers', () => {
    expect(() => stableStringify({ lr: Number.NaN })).toThrow(/finite/);
  });
});
