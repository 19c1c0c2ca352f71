import type { PairRow } from './verdicts.ts';

/** Where diffusion stands against the VAE family at one budget (FD, lower is better). */
export interface GapAtBudget {
  budget_flops: number;
  /** diffusion − VAE family mean FD with its 95% interval over seeds. */
  diff: number;
  low: number;
  high: number;
  /** `ahead`: interval below zero; `behind`: above zero; `level`: it contains zero. */
  standing: 'ahead' | 'behind' | 'level';
}

export interface Crossover {
  gaps: GapAtBudget[];
  /**
   * The budgets between which diffusion overtakes the VAE family: after the
   * last budget where it is separated behind and at the first where it is
   * separated ahead (later budgets never fall behind again). Undefined where
   * the budgets show no such change.
   */
  between?: [number, number];
  /** One sentence for REPORT.md and the README. */
  sentence: string;
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));
const flops = (v: number) => v.toExponential(0).replace('e+', 'e');

/** Diffusion against the VAE family at every budget, from the pairwise FD comparisons. */
export function diffusionCrossover(pairs: PairRow[]): Crossover {
  const gaps: GapAtBudget[] = [];
  for (const p of pairs) {
    if (p.metric !== 'fd') continue;
    const sign = p.a === 'diffusion' && p.b === 'vae' ? 1 : p.a === 'vae' && p.b === 'diffusion' ? -1 : 0;
    if (sign === 0) continue;
    const [low, high] = sign === 1 ? [p.low, p.high] : [-p.high, -p.low];
    const standing = high < 0 ? 'ahead' : low > 0 ? 'behind' : 'level';
    gaps.push({ budget_flops: p.budget_flops, diff: sign * p.diff, low, high, standing });
  }
  gaps.sort((a, b) => a.budget_flops - b.budget_flops);
  if (gaps.length === 0) return { gaps, sentence: 'Not measured: the study has no diffusion and VAE-family rows at a common budget.' };
  const listed = gaps.map((g) => `${flops(g.budget_flops)} ${fmt(g.diff)} [${fmt(g.low)}, ${fmt(g.high)}] (${g.standing})`).join('; ');
  const firstAhead = gaps.findIndex((g, i) => g.standing === 'ahead' && gaps.slice(i).every((later) => later.standing !== 'behind'));
  const lastBehind =
    firstAhead < 0
      ? -1
      : gaps
          .slice(0, firstAhead)
          .map((g) => g.standing)
          .lastIndexOf('behind');
  let between: [number, number] | undefined;
  let verdict: string;
  if (firstAhead >= 0 && lastBehind >= 0) {
    between = [gaps[lastBehind].budget_flops, gaps[firstAhead].budget_flops];
    verdict = `diffusion overtakes the VAE family between ${flops(between[0])} and ${flops(between[1])} training FLOPs (behind with 95% confidence at the first, ahead at the second)`;
  } else if (firstAhead === 0) {
    verdict = `diffusion is ahead of the VAE family from the smallest budget on (${flops(gaps[0].budget_flops)}); the crossover lies below the budgets measured`;
  } else if (firstAhead > 0) {
    verdict = `diffusion is ahead from ${flops(gaps[firstAhead].budget_flops)} on, level before: the crossover lies at or below ${flops(gaps[firstAhead].budget_flops)}`;
  } else {
    const first = gaps[0];
    const last = gaps[gaps.length - 1];
    const trend =
      last.diff < first.diff
        ? `the gap narrows from ${fmt(first.diff)} at ${flops(first.budget_flops)} to ${fmt(last.diff)} at ${flops(last.budget_flops)}`
        : `the gap does not narrow (${fmt(first.diff)} at ${flops(first.budget_flops)}, ${fmt(last.diff)} at ${flops(last.budget_flops)})`;
    verdict = `diffusion is not separated ahead of the VAE family at any budget measured; ${trend}`;
  }
  return { gaps, between, sentence: `Diffusion − VAE family FD (negative: diffusion better): ${listed}. So ${verdict}.` };
}
