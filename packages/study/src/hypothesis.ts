import { type CsvRow, num } from './columns.ts';
import { type Difference, seedDifference } from './stats.ts';
import { groupBy, type SummaryRow, summarize } from './summarize.ts';
import {
  compareParadigms,
  MAX_PREDICTION_ERROR_RATIO,
  MIN_VERDICT_SAMPLES,
  type PairRow,
  type ParadigmRow,
  paradigmRepresentatives,
  pickWinners,
  type WinnerRow,
} from './verdicts.ts';

/**
 * "Predictive coding is why diffusion beats VAEs", tested per budget (FD,
 * lower is better; intervals are 95%, paired over seeds where both sides share them):
 *
 * 1. premise: diffusion's FD is separated below the VAE family's (both
 *    represented as in verdicts.ts). Where it is not, the verdict is
 *    `premise not met`: there is no gap whose cause could be tested.
 * 2. treatment check: pcvae's prediction_error_ratio (held-out residual
 *    energy over signal variance, packages/vae/README.md) is below 0.5, so
 *    the treatment really codes prediction errors; else `treatment not predictive`
 *    (`no treatment check` where the rows lack the column).
 * 3. supported: pcvae − hvae (the control: same hierarchy, no residual
 *    coding) and pcvae − vae both lie below zero; refuted: pcvae − hvae lies
 *    above zero; else inconclusive.
 * No verdict is issued from fewer than MIN_VERDICT_SAMPLES samples per FD;
 * `rule` keeps what step 3 says regardless, for the reader.
 */
export interface HypothesisRow {
  budget_flops: number;
  vae_fd: number;
  hvae_fd: number;
  pcvae_fd: number;
  vae_family: string;
  vae_family_fd: number;
  diffusion_fd: number;
  diffusion_minus_vae_family: number;
  diffusion_minus_vae_family_low: number;
  diffusion_minus_vae_family_high: number;
  premise: 'met' | 'not met' | 'no diffusion rows';
  pcvae_minus_hvae: number;
  pcvae_minus_hvae_low: number;
  pcvae_minus_hvae_high: number;
  pcvae_minus_vae: number;
  pcvae_minus_vae_low: number;
  pcvae_minus_vae_high: number;
  hvae_prediction_error_ratio: number;
  pcvae_prediction_error_ratio: number;
  /** (hvae - pcvae) / (hvae - diffusion): the share of the control's gap to diffusion closed; only where the premise holds. */
  gap_closed: number;
  rule: 'supported' | 'refuted' | 'inconclusive';
  verdict: string;
}

export const HYPOTHESIS_COLUMNS = [
  'budget_flops',
  'vae_fd',
  'hvae_fd',
  'pcvae_fd',
  'vae_family',
  'vae_family_fd',
  'diffusion_fd',
  'diffusion_minus_vae_family',
  'diffusion_minus_vae_family_low',
  'diffusion_minus_vae_family_high',
  'premise',
  'pcvae_minus_hvae',
  'pcvae_minus_hvae_low',
  'pcvae_minus_hvae_high',
  'pcvae_minus_vae',
  'pcvae_minus_vae_low',
  'pcvae_minus_vae_high',
  'hvae_prediction_error_ratio',
  'pcvae_prediction_error_ratio',
  'gap_closed',
  'rule',
  'verdict',
] as const;

export const HYPOTHESIS_VERDICTS = [
  'supported',
  'refuted',
  'inconclusive',
  'premise not met',
  'treatment not predictive',
  'no treatment check',
] as const;

const fdBySeed = (rows: Map<number, CsvRow>) => new Map([...rows].map(([seed, row]) => [seed, num(row.fd)] as [number, number]));

const nan: Difference = { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n: 0, std: Number.NaN, paired: false };

export function testHypothesis(summary: SummaryRow[], paradigms: ParadigmRow[]): HypothesisRow[] {
  const out: HypothesisRow[] = [];
  for (const [, group] of groupBy(summary, (s) => String(s.budget_flops))) {
    const budget = group[0].budget_flops;
    const best = (variant: string) =>
      group.filter((s) => s.variant === variant && Number.isFinite(s.fd_mean)).sort((a, b) => a.fd_mean - b.fd_mean)[0];
    const [vae, hvae, pcvae] = ['vae', 'hvae', 'pcvae'].map(best);
    if (!vae || !hvae || !pcvae) continue;
    const family = paradigms.find((p) => p.budget_flops === budget && p.paradigm === 'vae');
    const diffusion = paradigms.find((p) => p.budget_flops === budget && p.paradigm === 'diffusion' && Number.isFinite(p.fd_mean));
    const gap = family && diffusion ? seedDifference(fdBySeed(diffusion.bySeed), fdBySeed(family.bySeed)) : nan;
    const premise = !diffusion ? 'no diffusion rows' : gap.high < 0 ? 'met' : 'not met';
    const vsControl = seedDifference(fdBySeed(pcvae.bySeed), fdBySeed(hvae.bySeed));
    const vsVae = seedDifference(fdBySeed(pcvae.bySeed), fdBySeed(vae.bySeed));
    const rule = vsControl.high < 0 && vsVae.high < 0 ? 'supported' : vsControl.low > 0 ? 'refuted' : 'inconclusive';
    const ratio = pcvae.prediction_error_ratio_mean;
    const evalSamples = Math.min(
      vae.eval_samples,
      hvae.eval_samples,
      pcvae.eval_samples,
      diffusion?.eval_samples ?? Number.POSITIVE_INFINITY,
    );
    const verdict = !(evalSamples >= MIN_VERDICT_SAMPLES)
      ? `no verdict (${evalSamples} samples per FD < ${MIN_VERDICT_SAMPLES})`
      : premise !== 'met'
        ? 'premise not met'
        : !Number.isFinite(ratio)
          ? 'no treatment check'
          : ratio >= MAX_PREDICTION_ERROR_RATIO
            ? 'treatment not predictive'
            : rule;
    out.push({
      budget_flops: budget,
      vae_fd: vae.fd_mean,
      hvae_fd: hvae.fd_mean,
      pcvae_fd: pcvae.fd_mean,
      vae_family: family?.representative ?? '',
      vae_family_fd: family?.fd_mean ?? Number.NaN,
      diffusion_fd: diffusion?.fd_mean ?? Number.NaN,
      diffusion_minus_vae_family: gap.mean,
      diffusion_minus_vae_family_low: gap.low,
      diffusion_minus_vae_family_high: gap.high,
      premise,
      pcvae_minus_hvae: vsControl.mean,
      pcvae_minus_hvae_low: vsControl.low,
      pcvae_minus_hvae_high: vsControl.high,
      pcvae_minus_vae: vsVae.mean,
      pcvae_minus_vae_low: vsVae.low,
      pcvae_minus_vae_high: vsVae.high,
      hvae_prediction_error_ratio: hvae.prediction_error_ratio_mean,
      pcvae_prediction_error_ratio: ratio,
      gap_closed: premise === 'met' && diffusion ? (hvae.fd_mean - pcvae.fd_mean) / (hvae.fd_mean - diffusion.fd_mean) : Number.NaN,
      rule,
      verdict,
    });
  }
  return out.sort((a, b) => a.budget_flops - b.budget_flops);
}

/** Every table a report writes, from runs.csv rows. */
export interface StudyVerdicts {
  summary: SummaryRow[];
  paradigms: ParadigmRow[];
  comparisons: PairRow[];
  winners: WinnerRow[];
  hypothesis: HypothesisRow[];
}

export function studyVerdicts(rows: CsvRow[]): StudyVerdicts {
  const summary = summarize(rows);
  const paradigms = paradigmRepresentatives(rows);
  const comparisons = compareParadigms(paradigms);
  return {
    summary,
    paradigms,
    comparisons,
    winners: pickWinners(paradigms, comparisons),
    hypothesis: testHypothesis(summary, paradigms),
  };
}
