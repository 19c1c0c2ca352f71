import { DivergedError } from '@curtain/core';
import { describe, expect, it } from 'vitest';
import { LossWatch } from '../src/index.ts';

/** Feeds readings from step `from` on; returns the DivergedError it threw, if any. */
function feed(watch: LossWatch, losses: number[], from = 1): DivergedError | undefined {
  try {
    for (const [i, loss] of losses.entries()) watch.record(from + i, loss);
  } catch (error) {
    if (error instanceof DivergedError) return error;
    throw error;
  }
  return undefined;
}

const fall = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * (i + 1)) / n);

describe('LossWatch', () => {
  it('calls a blow-up that stays finite divergence: the smoothed loss back above its first reading after halving', () => {
    const watch = new LossWatch();
    const trained = [30, ...fall(30, 2.5, 100)];
    expect(feed(watch, trained)).toBeUndefined();
    const error = feed(watch, Array(40).fill(3.5e5), trained.length + 1);
    expect(error).toBeInstanceOf(DivergedError);
    expect(error?.step).toBe(trained.length + 1); // one reading of 3.5e5 lifts the average far above 30
  });

  it('lets early spikes be: one batch at three times the first reading, right after the loss halved, does not end the run', () => {
    // what ended pcvae seed 2 at step 8 under a rule on single readings: 33, 14, then 105
    const watch = new LossWatch();
    expect(feed(watch, [33, ...fall(33, 14, 30), 105, ...fall(14, 3, 100)])).toBeUndefined();
  });

  it('a slow climb back is caught once the smoothed loss passes the first reading, not before', () => {
    const watch = new LossWatch();
    const down = [30, ...fall(30, 5, 100)];
    expect(feed(watch, down)).toBeUndefined();
    const up = fall(5, 60, 200);
    const error = feed(watch, up, down.length + 1);
    expect(error).toBeInstanceOf(DivergedError);
    const reading = (error?.step ?? 0) - down.length - 1;
    expect(up[reading]).toBeGreaterThan(30); // the average lags the readings
    expect(error?.value).toBeGreaterThan(30);
  });

  it('an early rise that never halved is not a divergence', () => {
    expect(feed(new LossWatch(), [30, ...fall(30, 20, 20), ...fall(20, 45, 50)])).toBeUndefined();
  });

  it('resumes from its saved state exactly as an uninterrupted watch judges', () => {
    const readings = [30, ...fall(30, 3, 80), ...fall(3, 80, 120)];
    const whole = feed(new LossWatch(), readings);
    expect(whole).toBeInstanceOf(DivergedError);
    const before = new LossWatch();
    feed(before, readings.slice(0, 90));
    const resumed = new LossWatch();
    resumed.restore(JSON.parse(JSON.stringify(before.state())));
    const after = feed(resumed, readings.slice(90), 91);
    expect(after?.step).toBe(whole?.step);
    expect(after?.value).toBe(whole?.value);
  });
});
