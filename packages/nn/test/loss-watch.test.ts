import { DivergedError } from '@curtain/core';
import { describe, expect, it } from 'vitest';
import { LossWatch } from '../src/index.ts';

function feed(watch: LossWatch, losses: number[], from = 1): void {
  for (const [i, loss] of losses.entries()) watch.record(from + i, loss);
}

describe('LossWatch', () => {
  it('calls a finite blow-up divergence: a loss back above its first reading after halving', () => {
    const watch = new LossWatch();
    feed(watch, [30, 12, 6, 3, 2.5]);
    let caught: unknown;
    try {
      watch.record(6, 3.5e5);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DivergedError);
    expect((caught as DivergedError).step).toBe(6);
    expect((caught as DivergedError).value).toBe(3.5e5);
  });

  it('lets noisy training be: rises below the first reading, and rises before the loss ever halved', () => {
    const noisy = new LossWatch();
    // a tenfold jump from 2.5 (a naive "loss grew 10x" rule would fire) but still below the first reading
    expect(() => feed(noisy, [30, 6, 2.5, 25, 3])).not.toThrow();
    const slow = new LossWatch();
    // above the first reading, but it never halved: an early bump, not a blow-up
    expect(() => feed(slow, [30, 20, 40, 18])).not.toThrow();
  });

  it('resumes from its saved state exactly as an uninterrupted watch judges', () => {
    const before = new LossWatch();
    feed(before, [30, 10]);
    const resumed = new LossWatch();
    resumed.restore(JSON.parse(JSON.stringify(before.state())));
    expect(() => resumed.record(3, 31)).toThrow(DivergedError);
    const fresh = new LossWatch();
    fresh.restore(null); // no saved watch: the next reading is the first
    expect(() => feed(fresh, [31, 10])).not.toThrow();
  });
});
