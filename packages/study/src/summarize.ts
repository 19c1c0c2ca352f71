import { type CsvRow, num } from './columns.ts';
import { differenceInterval, type Interval, meanInterval } from './stats.ts';

/**
 * From runs.csv rows to the three tables a reader needs. Quality is FD
 * (lower is better); each variant is judged at its best size per budget
 * (lowest mean FD over seeds), as compute-optimal studies do.
 */
export interface SummaryRow {
  entry: string;
  variant: string;
  sampler: string;
  budget_flops: number;
  best_size: string;
  seeds: number;
  diverged: number;
  collapsed: number;
  fd_mean: number;
  fd_low: number;
  fd_high: number;
  kid_mean: number;
  kid_low: number;
  kid_high: number;
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
  /** Per-seed FD values of the chosen size (for the hypothesis test). */
  fd_values: number[];
}

export const SUMMARY_COLUMNS = [
  'entry',
  'variant',
  'sampler',
  'budget_flops',
  'best_size',
  'seeds',
  'diverged',
  'collapsed',
  'fd_mean',
  'fd_low',
  'fd_high',
  'kid_mean',
  'kid_low',
  'kid_high',
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

const groupBy = <T>(items: T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
};

const mean = (xs: number[]) => meanInterval(xs).mean;

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
  for (const [, group] of groupBy(modelRows, (r) => `${r.variant}\u0000${r.sampler}\u0000${r.budget_flops}`)) {
    const { variant, sampler } = group[0];
    const bySize = [...groupBy(group, (r) => r.size)];
    // best size: lowest mean FD among sizes with at least one finite FD
    const scored = bySize
      .map(([size, rs]) => ({ size, rs, fd: mean(rs.map((r) => num(r.fd))) }))
      .sort((a, b) => (Number.isNaN(a.fd) ? 1 : Number.isNaN(b.fd) ? -1 : a.fd - b.fd));
    const best = scored[0];
    const fd = meanInterval(best.rs.map((r) => num(r.fd)));
    const kid = meanInterval(best.rs.map((r) => num(r.kid)));
    const bpd = meanInterval(best.rs.map((r) => num(r.bpd)));
    out.push({
      entry: entryLabel(variant, sampler, multi.has(variant)),
      variant,
      sampler,
      budget_flops: num(group[0].budget_flops),
      best_size: best.size,
      seeds: best.rs.length,
      diverged: best.rs.filter((r) => r.status === 'diverged').length,
      collapsed: best.rs.filter((r) => r.status === 'collapsed').length,
      fd_mean: fd.mean,
      fd_low: fd.low,
      fd_high: fd.high,
      kid_mean: kid.mean,
      kid_low: kid.low,
      kid_high: kid.high,
      precision_mean: mean(best.rs.map((r) => num(r.precision))),
      recall_mean: mean(best.rs.map((r) => num(r.recall))),
      bpd_mean: bpd.mean,
      bpd_low: bpd.low,
      bpd_high: bpd.high,
      bpd_kind: best.rs.find((r) => r.bpd_kind)?.bpd_kind ?? '',
      network_evals: num(best.rs[0].network_evals),
      sample_flops: mean(best.rs.map((r) => num(r.sample_flops))),
      sample_ms_mean: mean(best.rs.map((r) => num(r.sample_ms))),
      train_seconds_mean: mean(best.rs.map((r) => num(r.train_seconds))),
      fd_values: best.rs.map((r) => num(r.fd)).filter(Number.isFinite),
    });
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops || a.entry.localeCompare(b.entry));
}

export interface WinnerRow {
  budget_flops: number;
  winner: string;
  winner_fd: number;
  runner_up: string;
  runner_up_fd: number;
  margin: number;
  verdict: string;
}

export const WINNER_COLUMNS = ['budget_flops', 'winner', 'winner_fd', 'runner_up', 'runner_up_fd', 'margin', 'verdict'] as const;

/**
 * Per budget: the entry with the lowest mean FD and the best entry of any
 * other variant. A winner is named only where its 95% interval lies wholly
 * below the runner-up's; otherwise the verdict is `inconclusive`.
 */
export function pickWinners(summary: SummaryRow[]): WinnerRow[] {
  const out: WinnerRow[] = [];
  for (const [, group] of groupBy(summary, (s) => String(s.budget_flops))) {
    const ranked = group.filter((s) => Number.isFinite(s.fd_mean)).sort((a, b) => a.fd_mean - b.fd_mean);
    if (ranked.length === 0) continue;
    const winner = ranked[0];
    const runnerUp = ranked.find((s) => s.variant !== winner.variant);
    const separated = runnerUp !== undefined && winner.fd_high < runnerUp.fd_low;
    out.push({
      budget_flops: winner.budget_flops,
      winner: winner.entry,
      winner_fd: winner.fd_mean,
      runner_up: runnerUp?.entry ?? '',
      runner_up_fd: runnerUp?.fd_mean ?? Number.NaN,
      margin: runnerUp ? runnerUp.fd_mean - winner.fd_mean : Number.NaN,
      verdict: runnerUp === undefined ? 'no runner-up' : separated ? winner.entry : 'inconclusive',
    });
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops);
}

export interface HypothesisRow {
  budget_flops: number;
  vae_fd: number;
  hvae_fd: number;
  pcvae_fd: number;
  ddpm_fd: number;
  pcvae_minus_hvae: number;
  pcvae_minus_hvae_low: number;
  pcvae_minus_hvae_high: number;
  pcvae_minus_vae: number;
  pcvae_minus_vae_low: number;
  pcvae_minus_vae_high: number;
  gap_closed: number;
  /** Whether the hypothesis's premise holds here: ddpm's FD interval lies wholly below hvae's. */
  premise: 'ddpm beats hvae' | 'ddpm does not beat hvae' | 'no ddpm rows';
  verdict: 'supported' | 'refuted' | 'inconclusive';
}

export const HYPOTHESIS_COLUMNS = [
  'budget_flops',
  'vae_fd',
  'hvae_fd',
  'pcvae_fd',
  'ddpm_fd',
  'pcvae_minus_hvae',
  'pcvae_minus_hvae_low',
  'pcvae_minus_hvae_high',
  'pcvae_minus_vae',
  'pcvae_minus_vae_low',
  'pcvae_minus_vae_high',
  'gap_closed',
  'premise',
  'verdict',
] as const;

/**
 * Predictive coding hypothesis, per budget (FD, lower is better):
 * - supported: pcvae beats both hvae (the control) and vae, each difference's
 *   95% Welch interval lying wholly below zero;
 * - refuted: the pcvae - hvae interval lies wholly above zero (the treatment
 *   is worse than the control);
 * - inconclusive: anything else.
 * gap_closed = (hvae - pcvae) / (hvae - ddpm): the share of the control's gap
 * to diffusion that predictive coding closes (1 = all of it); it is defined
 * only where the premise holds (ddpm's FD interval wholly below hvae's), and
 * `premise` says whether it does at that budget.
 */
export function testHypothesis(summary: SummaryRow[]): HypothesisRow[] {
  const out: HypothesisRow[] = [];
  for (const [, group] of groupBy(summary, (s) => String(s.budget_flops))) {
    const find = (variant: string) =>
      group.filter((s) => s.variant === variant && Number.isFinite(s.fd_mean)).sort((a, b) => a.fd_mean - b.fd_mean)[0];
    const [vae, hvae, pcvae, ddpm] = ['vae', 'hvae', 'pcvae', 'ddpm'].map(find);
    if (!vae || !hvae || !pcvae) continue;
    const vsControl: Interval = differenceInterval(pcvae.fd_values, hvae.fd_values);
    const vsVae: Interval = differenceInterval(pcvae.fd_values, vae.fd_values);
    const premiseHolds = ddpm !== undefined && ddpm.fd_high < hvae.fd_low;
    const verdict = vsControl.high < 0 && vsVae.high < 0 ? 'supported' : vsControl.low > 0 ? 'refuted' : 'inconclusive';
    out.push({
      budget_flops: pcvae.budget_flops,
      vae_fd: vae.fd_mean,
      hvae_fd: hvae.fd_mean,
      pcvae_fd: pcvae.fd_mean,
      ddpm_fd: ddpm?.fd_mean ?? Number.NaN,
      pcvae_minus_hvae: vsControl.mean,
      pcvae_minus_hvae_low: vsControl.low,
      pcvae_minus_hvae_high: vsControl.high,
      pcvae_minus_vae: vsVae.mean,
      pcvae_minus_vae_low: vsVae.low,
      pcvae_minus_vae_high: vsVae.high,
      gap_closed: premiseHolds ? (hvae.fd_mean - pcvae.fd_mean) / (hvae.fd_mean - ddpm.fd_mean) : Number.NaN,
      premise: !ddpm ? 'no ddpm rows' : premiseHolds ? 'ddpm beats hvae' : 'ddpm does not beat hvae',
      verdict,
    });
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops);
}
