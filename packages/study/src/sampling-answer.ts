import { paretoFrontier } from './figures/sampling-cost.ts';
import type { SummaryRow } from './summarize.ts';

const fmt = (v: number) => String(Number(v.toPrecision(3)));

/**
 * The sampling-cost half of the answer: at the largest budget, the entries on
 * the Pareto frontier of FD against FLOPs per sample (cheapest first), each
 * with its network evaluations and measured ms per sample.
 */
export function samplingCostSentence(summary: SummaryRow[]): string {
  const largest = Math.max(...summary.map((s) => s.budget_flops));
  const scored = summary.filter((s) => s.budget_flops === largest && Number.isFinite(s.fd_mean) && s.sample_flops > 0);
  if (scored.length === 0) return 'No sampler was scored at the largest budget yet.';
  const frontier = paretoFrontier(scored.map((s) => ({ ...s, cost: s.sample_flops, fd: s.fd_mean })));
  const points = frontier.map(
    (s) =>
      `**${s.entry}** (FD ${fmt(s.fd_mean)}, ${s.sample_flops.toExponential(1)} FLOPs, ${fmt(s.network_evals)} network evaluations, ${fmt(s.sample_ms_mean)} ms per sample)`,
  );
  const cheapest = frontier[0];
  const best = frontier[frontier.length - 1];
  const ratio =
    frontier.length > 1
      ? ` The best quality costs ${fmt(best.sample_flops / cheapest.sample_flops)}× the FLOPs per sample of the cheapest frontier entry.`
      : ' One entry is both the cheapest and the best.';
  return `At ${largest.toExponential(0).replace('e+', 'e')} training FLOPs, no entry is both cheaper and better than those on the Pareto frontier, cheapest first: ${points.join(' → ')}.${ratio}`;
}
