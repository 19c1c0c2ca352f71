import { type CsvRow, num } from './columns.ts';
import { candidatesOf, chooseRepresentative, chosenLabel, chosenRows, sizeAtEdge } from './selection.ts';
import { meanInterval } from './stats.ts';

/**
 * From runs.csv rows to one row per (variant, sampler, budget): the variant
 * at the size chosen on selection data (see selection.ts), its reported
 * numbers from the report seeds only. Quality is FD (lower is better).
 */
export interface SummaryRow {
  entry: string;
  variant: string;
  sampler: string;
  budget_flops: number;
  best_size: string;
  /** Which data chose best_size (never the reported seeds). */
  selected_on: string;
  /** Where best_size sits in the size grid: smallest, largest, only or no (see selection.ts). */
  size_at_edge: string;
  seeds: number;
  diverged: number;
  collapsed: number;
  /** Generated images per FD (the smallest over the reported rows). */
  eval_samples: number;
  /** Training FLOPs actually spent (whole steps), mean over seeds. */
  train_flops_mean: number;
  fd_mean: number;
  fd_low: number;
  fd_high: number;
  kid_mean: number;
  kid_low: number;
  kid_high: number;
  class_confident_mean: number;
  class_score_mean: number;
  prediction_error_ratio_mean: number;
  precision_mean: number;
  recall_mean: number;
  bpd_mean: number;
  bpd_low: number;
  bpd_high: number;
  bpd_kind: string;
  network_evals: number;
  sample_flops: number;
  sample_ms_mean: number;
  train_seconds_mean: number;
  /** Per-seed FD values of the chosen size (for comparing reports). */
  fd_values: number[];
  /** The reported row of each seed (not a CSV column). */
  bySeed: Map<number, CsvRow>;
}

export const SUMMARY_COLUMNS = [
  'entry',
  'variant',
  'sampler',
  'budget_flops',
  'best_size',
  'selected_on',
  'size_at_edge',
  'seeds',
  'diverged',
  'collapsed',
  'eval_samples',
  'train_flops_mean',
  'fd_mean',
  'fd_low',
  'fd_high',
  'kid_mean',
  'kid_low',
  'kid_high',
  'class_confident_mean',
  'class_score_mean',
  'prediction_error_ratio_mean',
  'precision_mean',
  'recall_mean',
  'bpd_mean',
  'bpd_low',
  'bpd_high',
  'bpd_kind',
  'network_evals',
  'sample_flops',
  'sample_ms_mean',
  'train_seconds_mean',
] as const;

/** Training FLOPs a summary row actually spent (rows written before train_flops existed: the budget). */
export const spentFlops = (s: Pick<SummaryRow, 'train_flops_mean' | 'budget_flops'>): number =>
  Number.isFinite(s.train_flops_mean) ? s.train_flops_mean : s.budget_flops;

export const groupBy = <T>(items: T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
};

/** The label of a (variant, sampler) pair: the sampler is named only where a variant has several. */
export function entryLabel(variant: string, sampler: string, multiSampler: boolean): string {
  return multiSampler && sampler ? `${variant}/${sampler}` : variant;
}

/**
 * One row per (variant, sampler, size, seed, budget): where a folder holds the
 * same run measured on two machines (a clone regenerating committed rows),
 * the most recently finished one counts, so no seed is counted twice.
 */
export function latestRuns(rows: CsvRow[]): CsvRow[] {
  const latest = new Map<string, CsvRow>();
  for (const row of rows) {
    const id = [row.paradigm, row.variant, row.sampler, row.size, row.seed, row.budget_flops].join('\u0000');
    const kept = latest.get(id);
    if (!kept || (row.finished_at ?? '') > (kept.finished_at ?? '')) latest.set(id, row);
  }
  return [...latest.values()];
}

export function summarize(rows: CsvRow[]): SummaryRow[] {
  const modelRows = latestRuns(rows).filter((r) => r.paradigm !== 'reference');
  const samplersOf = groupBy(modelRows, (r) => r.variant);
  const multi = new Set([...samplersOf].filter(([, rs]) => new Set(rs.map((r) => r.sampler)).size > 1).map(([v]) => v));
  const out: SummaryRow[] = [];
  for (const [, group] of groupBy(modelRows, (r) => String(r.budget_flops))) {
    const candidates = candidatesOf(group);
    for (const [, sizes] of groupBy(candidates, (c) => `${c.variant}\u0000${c.sampler}`)) {
      const choice = chooseRepresentative(sizes) ?? {
        bySeed: new Map([...sizes[0].report.keys()].map((s) => [s, sizes[0]])),
        selectedOn: 'no finite FD',
      };
      const { variant, sampler } = sizes[0];
      const chosen = [...chosenRows(choice).values()];
      const metric = (column: string) => meanInterval(chosen.map((r) => num(r[column])));
      const fd = metric('fd');
      const kid = metric('kid');
      const bpd = metric('bpd');
      out.push({
        entry: entryLabel(variant, sampler, multi.has(variant)),
        variant,
        sampler,
        budget_flops: num(group[0].budget_flops),
        best_size: chosenLabel(choice, (c) => c.size),
        selected_on: choice.selectedOn,
        size_at_edge: sizeAtEdge(choice, candidates),
        seeds: chosen.length,
        diverged: chosen.filter((r) => r.status === 'diverged').length,
        collapsed: chosen.filter((r) => r.status === 'collapsed').length,
        eval_samples: Math.min(...chosen.map((r) => num(r.eval_samples)).filter(Number.isFinite)),
        train_flops_mean: metric('train_flops').mean,
        fd_mean: fd.mean,
        fd_low: fd.low,
        fd_high: fd.high,
        kid_mean: kid.mean,
        kid_low: kid.low,
        kid_high: kid.high,
        class_confident_mean: metric('class_confident').mean,
        class_score_mean: metric('class_score').mean,
        prediction_error_ratio_mean: metric('prediction_error_ratio').mean,
        precision_mean: metric('precision').mean,
        recall_mean: metric('recall').mean,
        bpd_mean: bpd.mean,
        bpd_low: bpd.low,
        bpd_high: bpd.high,
        bpd_kind: chosen.find((r) => r.bpd_kind)?.bpd_kind ?? '',
        network_evals: num(chosen[0]?.network_evals),
        sample_flops: metric('sample_flops').mean,
        sample_ms_mean: metric('sample_ms').mean,
        train_seconds_mean: metric('train_seconds').mean,
        fd_values: chosen.map((r) => num(r.fd)).filter(Number.isFinite),
        bySeed: chosenRows(choice),
      });
    }
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops || a.entry.localeCompare(b.entry));
}
