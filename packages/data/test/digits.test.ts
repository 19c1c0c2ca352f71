import { describe, expect, it } from 'vitest';
import { DIGITS_HELD_OUT, loadDigits, loadDigitsAll } from '../src/index.ts';

describe('embedded digits', () => {
  const all = loadDigitsAll();

  it('holds 10,000 real 28x28 digits, 1,000 per class', () => {
    expect(all.count).toBe(10_000);
    expect(all.images.length).toBe(10_000 * 784);
    const perClass = new Array(10).fill(0);
    for (const label of all.labels) perClass[label] += 1;
    expect(Math.min(...perClass)).toBeGreaterThan(800);
  });

  it('recovers all 256 8-bit levels from the three-decimal JSON', () => {
    const levels = new Set(all.images);
    expect(levels.size).toBe(256);
  });

  it('has a fixed split with a 2,000-image held-out set', () => {
    const a = loadDigits();
    const b = loadDigits();
    expect(a.heldOut.count).toBe(DIGITS_HELD_OUT);
    expect(a.train.count).toBe(10_000 - DIGITS_HELD_OUT);
    expect(Buffer.compare(Buffer.from(a.heldOut.images), Buffer.from(b.heldOut.images))).toBe(0);
  });
});
