/** Two-sided 95% Student-t critical values for 1..30 degrees of freedom. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tCritical95(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  return df <= 30 ? T95[Math.floor(df) - 1] : 1.96;
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
  n: number;
  std: number;
}

/** Mean and 95% t-interval of the finite values (n = 1 gives an unbounded interval). */
export function meanInterval(values: number[]): Interval {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n, std: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, n, std: Number.NaN };
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  const half = tCritical95(n - 1) * (std / Math.sqrt(n));
  return { mean, low: mean - half, high: mean + half, n, std };
}

/** 95% Welch interval of mean(a) - mean(b). */
export function differenceInterval(a: number[], b: number[]): Interval {
  const x = meanInterval(a);
  const y = meanInterval(b);
  const mean = x.mean - y.mean;
  if (x.n < 2 || y.n < 2)
    return { mean, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, n: Math.min(x.n, y.n), std: Number.NaN };
  const va = x.std ** 2 / x.n;
  const vb = y.std ** 2 / y.n;
  const se = Math.sqrt(va + vb);
  const df = se === 0 ? x.n + y.n - 2 : (va + vb) ** 2 / (va ** 2 / (x.n - 1) + vb ** 2 / (y.n - 1));
  const half = tCritical95(df) * se;
  return { mean, low: mean - half, high: mean + half, n: Math.min(x.n, y.n), std: se };
}

/** An interval of mean(a) - mean(b), and whether it paired the two over shared seeds. */
export interface Difference extends Interval {
  paired: boolean;
}

/**
 * 95% interval of mean(a) - mean(b) for values keyed by seed: a paired t
 * interval over the seeds both have (at least 2), else Welch's interval over
 * all finite values.
 */
export function seedDifference(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): Difference {
  const shared = [...a.keys()].filter((s) => Number.isFinite(a.get(s)) && Number.isFinite(b.get(s)));
  if (shared.length >= 2) return { ...meanInterval(shared.map((s) => a.get(s)! - b.get(s)!)), paired: true };
  return { ...differenceInterval([...a.values()], [...b.values()]), paired: false };
}
