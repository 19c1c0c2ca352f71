import { UsageError } from '@curtain/core';

/**
 * A discrete noise schedule and the constants its samplers need, all in plain
 * numbers. Steps are t = 1..T (Ho et al. 2020); arrays are indexed by t, with
 * index 0 holding the clean end (alphaBar[0] = 1).
 */
export interface NoiseSchedule {
  T: number;
  /** beta[t], t = 1..T (beta[0] = 0). */
  beta: Float64Array;
  /** alphaBar[t] = prod_{s <= t} (1 - beta[s]); alphaBar[0] = 1. */
  alphaBar: Float64Array;
  /** Posterior q(x_{t-1} | x_t, x_0) variance: beta[t] (1 - alphaBar[t-1]) / (1 - alphaBar[t]). */
  posteriorVariance: Float64Array;
}

/** The noise schedules makeSchedule builds. */
export type ScheduleKind = 'linear' | 'cosine';

export function makeSchedule(kind: ScheduleKind, T: number): NoiseSchedule {
  if (!Number.isInteger(T) || T < 2) throw new UsageError(`timesteps must be an integer >= 2, got ${T}`);
  const beta = new Float64Array(T + 1);
  if (kind === 'linear') {
    // Ho et al.: 1e-4 .. 0.02 at T = 1000; rescaled so other T keep the same end point.
    const scale = 1000 / T;
    const [start, end] = [scale * 1e-4, Math.min(scale * 0.02, 0.999)];
    for (let t = 1; t <= T; t++) beta[t] = T === 1 ? start : start + ((end - start) * (t - 1)) / (T - 1);
  } else if (kind === 'cosine') {
    // Nichol & Dhariwal 2021: alphaBar(t) = f(t) / f(0), f(t) = cos^2(((t/T + s) / (1 + s)) pi / 2).
    const s = 0.008;
    const f = (t: number) => Math.cos((((t / T + s) / (1 + s)) * Math.PI) / 2) ** 2;
    for (let t = 1; t <= T; t++) beta[t] = Math.min(1 - f(t) / f(t - 1), 0.999);
  } else {
    throw new UsageError(`schedule must be 'linear' or 'cosine', got '${kind}'`);
  }
  const alphaBar = new Float64Array(T + 1);
  const posteriorVariance = new Float64Array(T + 1);
  alphaBar[0] = 1;
  for (let t = 1; t <= T; t++) {
    alphaBar[t] = alphaBar[t - 1] * (1 - beta[t]);
    posteriorVariance[t] = (beta[t] * (1 - alphaBar[t - 1])) / (1 - alphaBar[t]);
  }
  return { T, beta, alphaBar, posteriorVariance };
}
