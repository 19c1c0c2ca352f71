import { type CsvRow, num } from './columns.ts';
import { candidatesOf, chooseRepresentative, chosenLabel, chosenRows, sizeAtEdge } from './selection.ts';
import { type Difference, meanInterval, seedDifference } from './stats.ts';
import { groupBy, latestRuns } from './summarize.ts';

/**
 * Paradigm-level verdicts. The rivals are paradigms (gan, vae family =
 * vae/hvae/pcvae, autoregressive, flow, diffusion), each represented at a
 * budget by one (variant, size, sampler) chosen on selection data
 * (selection.ts), so two variants of one family or two samplers of one model
 * are never rivals. A paradigm wins only where the 95% interval of its FD
 * difference against every other paradigm lies below zero (paired over seeds
 * where both have them); no verdict is issued from fewer than
 * MIN_VERDICT_SAMPLES generated images per FD.
 */
export const MIN_VERDICT_SAMPLES = 1000;

/** A verdict on the hypothesis needs pcvae's prediction_error_ratio below this (see packages/vae/README.md). */
export const MAX_PREDICTION_ERROR_RATIO = 0.5;

export interface ParadigmRow {
  budget_flops: number;
  paradigm: string;
  /** variant/sampler/size of the representative ('|' between choices where cross-fitted). */
  representative: string;
  selected_on: string;
  size_at_edge: string;
  seeds: number;
  eval_samples: number;
  train_flops_mean: number;
  fd_mean: number;
  fd_low: number;
  fd_high: number;
  class_confident_mean: number;
  class_score_mean: number;
  /** 'yes' where the FD interval lies wholly below the mean-image row's FD (the model learned something); 'not scored' where it has no FD at this budget. */
  beats_mean_image: string;
  /** Reported rows by seed (not a CSV column). */
  bySeed: Map<number, CsvRow>;
}

export const PARADIGM_COLUMNS = [
  'budget_flops',
  'paradigm',
  'representative',
  'selected_on',
  'size_at_edge',
  'seeds',
  'eval_samples',
  'train_flops_mean',
  'fd_mean',
  'fd_low',
  'fd_high',
  'class_confident_mean',
  'class_score_mean',
  'beats_mean_image',
] as const;

export interface PairRow {
  budget_flops: number;
  metric: 'fd' | 'class_score';
  a: string;
  b: string;
  /** mean(a) - mean(b) */
  diff: number;
  low: number;
  high: number;
  paired: boolean;
  seeds: number;
}

export const COMPARISONS_COLUMNS = ['budget_flops', 'metric', 'a', 'b', 'diff', 'low', 'high', 'paired', 'seeds'] as const;

export interface WinnerRow {
  budget_flops: number;
  /** Paradigms with a finite FD at this budget. */
  paradigms: string;
  best_mean: string;
  best_mean_fd: number;
  /** What the interval rule says (a paradigm, `inconclusive` or `no rival`), before the sample-size gate. */
  fd_rule: string;
  /** The same rule on class_score (higher is better); `no classifier scores` where rows lack it. */
  class_rule: string;
  /** Whether FD and the classifier agree on the best paradigm by mean. */
  fd_vs_class: string;
  /** Paradigms whose FD is not separated below the mean-image row (have not learned yet). */
  not_above_mean_image: string;
  /** Fewest samples per FD among the judged paradigms (all of them where none has enough). */
  eval_samples: number;
  /**
   * Paradigms scored on fewer than MIN_VERDICT_SAMPLES images (with their n),
   * left out of the rule: fewer samples inflate FD, so they can block a winner
   * that they beat even so, but never win.
   */
  not_judged: string;
  /** fd_rule where the judged paradigms have >= MIN_VERDICT_SAMPLES samples, else `no verdict (...)`. */
  verdict: string;
}

export const WINNER_COLUMNS = [
  'budget_flops',
  'paradigms',
  'best_mean',
  'best_mean_fd',
  'fd_rule',
  'class_rule',
  'fd_vs_class',
  'not_above_mean_image',
  'eval_samples',
  'not_judged',
  'verdict',
] as const;

const valuesBySeed = (rows: Map<number, CsvRow>, column: string) =>
  new Map([...rows].map(([seed, row]) => [seed, num(row[column])] as [number, number]));

const finiteMean = (rows: Map<number, CsvRow>, column: string) => meanInterval([...rows.values()].map((r) => num(r[column])));

/** The mean-image reference FD (one image scored once per seed; its FD does not depend on the seed). */
export function referenceFd(rows: CsvRow[], variant: string): number {
  return meanInterval(
    latestRuns(rows)
      .filter((r) => r.paradigm === 'reference' && r.variant === variant)
      .map((r) => num(r.fd)),
  ).mean;
}

/** One representative per paradigm and budget. */
export function paradigmRepresentatives(rows: CsvRow[]): ParadigmRow[] {
  const meanImageFd = referenceFd(rows, 'mean-image');
  const modelRows = latestRuns(rows).filter((r) => r.paradigm !== 'reference');
  const out: ParadigmRow[] = [];
  for (const [, group] of groupBy(modelRows, (r) => String(r.budget_flops))) {
    const candidates = candidatesOf(group);
    for (const [paradigm, own] of groupBy(candidates, (c) => c.paradigm)) {
      const choice = chooseRepresentative(own);
      if (!choice) continue;
      const bySeed = chosenRows(choice);
      const fd = finiteMean(bySeed, 'fd');
      out.push({
        budget_flops: num(group[0].budget_flops),
        paradigm,
        representative: chosenLabel(choice, (c) => [c.variant, c.sampler, c.size].join('/')),
        selected_on: choice.selectedOn,
        size_at_edge: sizeAtEdge(choice, candidates),
        seeds: bySeed.size,
        eval_samples: Math.min(...[...bySeed.values()].map((r) => num(r.eval_samples)).filter(Number.isFinite)),
        train_flops_mean: finiteMean(bySeed, 'train_flops').mean,
        fd_mean: fd.mean,
        fd_low: fd.low,
        fd_high: fd.high,
        class_confident_mean: finiteMean(bySeed, 'class_confident').mean,
        class_score_mean: finiteMean(bySeed, 'class_score').mean,
        beats_mean_image: !Number.isFinite(fd.mean)
          ? 'not scored'
          : Number.isFinite(meanImageFd)
            ? fd.high < meanImageFd
              ? 'yes'
              : 'no'
            : 'no reference',
        bySeed,
      });
    }
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops || a.paradigm.localeCompare(b.paradigm));
}

/** Every ordered-once pair of paradigms at every budget, for FD and (where present) class_score. */
export function compareParadigms(paradigms: ParadigmRow[]): PairRow[] {
  const out: PairRow[] = [];
  for (const [, group] of groupBy(paradigms, (p) => String(p.budget_flops))) {
    const sorted = [...group].sort((a, b) => a.paradigm.localeCompare(b.paradigm));
    for (const metric of ['fd', 'class_score'] as const) {
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) {
          const d = seedDifference(valuesBySeed(sorted[i].bySeed, metric), valuesBySeed(sorted[j].bySeed, metric));
          if (!Number.isFinite(d.mean)) continue;
          out.push({
            budget_flops: sorted[i].budget_flops,
            metric,
            a: sorted[i].paradigm,
            b: sorted[j].paradigm,
            diff: d.mean,
            low: d.low,
            high: d.high,
            paired: d.paired,
            seeds: d.n,
          });
        }
      }
    }
  }
  return out;
}

/** The interval of a - b at one budget from the pair table (either orientation). */
function differenceOf(
  pairs: PairRow[],
  budget: number,
  metric: PairRow['metric'],
  a: string,
  b: string,
): Pick<Difference, 'mean' | 'low' | 'high'> | undefined {
  const atBudget = pairs.filter((p) => p.budget_flops === budget && p.metric === metric);
  const direct = atBudget.find((p) => p.a === a && p.b === b);
  if (direct) return { mean: direct.diff, low: direct.low, high: direct.high };
  const reverse = atBudget.find((p) => p.a === b && p.b === a);
  return reverse ? { mean: -reverse.diff, low: -reverse.high, high: -reverse.low } : undefined;
}

/**
 * The interval rule for one metric: the best paradigm by mean wins only where
 * its difference to every other paradigm is separated from zero in its favour.
 */
function ruleWinner(group: ParadigmRow[], pairs: PairRow[], metric: PairRow['metric']): { best: ParadigmRow | undefined; rule: string } {
  const lowerIsBetter = metric === 'fd';
  const score = (p: ParadigmRow) => (metric === 'fd' ? p.fd_mean : p.class_score_mean);
  const ranked = group.filter((p) => Number.isFinite(score(p))).sort((a, b) => (lowerIsBetter ? score(a) - score(b) : score(b) - score(a)));
  const best = ranked[0];
  if (!best) return { best, rule: metric === 'fd' ? 'no scores' : 'no classifier scores' };
  if (ranked.length === 1) return { best, rule: 'no rival' };
  const separated = ranked.slice(1).every((rival) => {
    const d = differenceOf(pairs, best.budget_flops, metric, best.paradigm, rival.paradigm);
    return d !== undefined && (lowerIsBetter ? d.high < 0 : d.low > 0);
  });
  return { best, rule: separated ? best.paradigm : 'inconclusive' };
}

const tooFew = (n: number) => `no verdict (${Number.isFinite(n) ? n : '?'} samples per FD < ${MIN_VERDICT_SAMPLES})`;

export function pickWinners(paradigms: ParadigmRow[], pairs: PairRow[]): WinnerRow[] {
  const out: WinnerRow[] = [];
  for (const [, all] of groupBy(paradigms, (p) => String(p.budget_flops))) {
    const enough = (p: ParadigmRow) => p.eval_samples >= MIN_VERDICT_SAMPLES;
    const judged = all.filter(enough);
    const group = judged.length > 0 ? judged : all;
    const unjudged = judged.length > 0 ? all.filter((p) => !enough(p) && Number.isFinite(p.fd_mean)) : [];
    const fd = ruleWinner(group, pairs, 'fd');
    if (!fd.best) continue;
    const cls = ruleWinner(group, pairs, 'class_score');
    const evalSamples = Math.min(...group.map((p) => p.eval_samples));
    // An unjudged paradigm whose (inflated) FD is still below the winner's mean blocks the verdict.
    const blockers = unjudged.filter((p) => p.fd_mean <= fd.best!.fd_mean).map((p) => p.paradigm);
    const rule =
      blockers.length > 0 && fd.rule === fd.best.paradigm ? `inconclusive (${blockers.join(' ')} lower on fewer samples)` : fd.rule;
    out.push({
      budget_flops: all[0].budget_flops,
      paradigms: group
        .filter((p) => Number.isFinite(p.fd_mean))
        .map((p) => p.paradigm)
        .join(' '),
      best_mean: fd.best.paradigm,
      best_mean_fd: fd.best.fd_mean,
      fd_rule: rule,
      class_rule: cls.rule,
      fd_vs_class: !cls.best
        ? 'no classifier scores'
        : cls.best.paradigm === fd.best.paradigm
          ? 'agree'
          : `disagree (classifier: ${cls.best.paradigm})`,
      not_above_mean_image: all
        .filter((p) => p.beats_mean_image === 'no')
        .map((p) => p.paradigm)
        .join(' '),
      eval_samples: evalSamples,
      not_judged: unjudged.map((p) => `${p.paradigm} (${p.eval_samples})`).join(' '),
      verdict: evalSamples >= MIN_VERDICT_SAMPLES ? rule : tooFew(evalSamples),
    });
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops);
}
