import type { SummaryRow } from '../summarize.ts';
import type { ReferenceLevel } from './references.ts';
import { EXPONENT_LABELS, FIGURE_CONFIG, type Figure, intervalBars, positive, VEGA_LITE_SCHEMA } from './style.ts';

export interface CostPoint {
  entry: string;
  cost: number;
  fd: number;
}

/**
 * The Pareto frontier of (cost, FD), both lower-is-better: the points no
 * other point beats on both, in order of increasing cost.
 */
export function paretoFrontier<T extends CostPoint>(points: T[]): T[] {
  const sorted = points.filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.fd)).sort((a, b) => a.cost - b.cost || a.fd - b.fd);
  const frontier: T[] = [];
  for (const p of sorted) if (frontier.length === 0 || p.fd < frontier[frontier.length - 1].fd) frontier.push(p);
  return frontier;
}

/**
 * FD against sampling cost at the largest budget, twice: per-sample FLOPs
 * (hardware-independent) and measured ms per sample (this backend). Each
 * panel draws the Pareto frontier as a step line and names only the entries
 * on it (so labels do not pile up); every entry is in the legend.
 */
export function samplingCostFigure(summary: SummaryRow[], references: ReferenceLevel[], paradigmOf: (v: string) => string): Figure {
  const largest = Math.max(...summary.map((s) => s.budget_flops));
  const atLargest = summary.filter((s) => s.budget_flops === largest && positive(s.fd_mean) !== null);
  const panel = (costField: 'sample_flops' | 'sample_ms_mean', title: string) => {
    const points = atLargest
      .map((s) => ({
        entry: s.entry,
        paradigm: paradigmOf(s.variant),
        cost: positive(s[costField]) ?? Number.NaN,
        fd: s.fd_mean,
        low: positive(s.fd_low),
        high: positive(s.fd_high),
        evals: s.network_evals,
      }))
      .filter((p) => Number.isFinite(p.cost));
    const frontier = new Set(paretoFrontier(points).map((p) => p.entry));
    const values = points.map((p) => ({ ...p, frontier: frontier.has(p.entry) }));
    const x = {
      field: 'cost',
      type: 'quantitative',
      scale: { type: 'log', nice: false, padding: 24 },
      title,
      axis: costField === 'sample_flops' ? EXPONENT_LABELS : { labelOverlap: 'greedy', labelSeparation: 6 },
    } as const;
    const y = { field: 'fd', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'FD (log, lower is better)' } as const;
    return {
      width: 330,
      height: 260,
      data: { values },
      layer: [
        ...references.map((r) => ({
          mark: { type: 'rule', strokeDash: [5, 4], color: '#777' },
          encoding: { y: { datum: r.fd, type: 'quantitative', scale: y.scale } },
        })),
        ...references.map((r) => ({
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 9, color: '#555', text: r.label },
          encoding: { x: { value: 0 }, y: { datum: r.fd, type: 'quantitative', scale: y.scale } },
        })),
        {
          transform: [{ filter: 'datum.frontier' }],
          mark: { type: 'line', interpolate: 'step-after', color: '#333', strokeWidth: 1.5, opacity: 0.7 },
          encoding: { x, y, order: { field: 'cost' } },
        },
        intervalBars(x, y, 'entry'),
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 1 },
          encoding: {
            x,
            y,
            color: { field: 'entry', type: 'nominal', title: 'entry' },
            shape: { field: 'paradigm', type: 'nominal', title: 'paradigm' },
          },
        },
        {
          transform: [{ filter: 'datum.frontier' }],
          mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
          encoding: { x, y, text: { field: 'entry' } },
        },
      ],
    };
  };
  return {
    name: 'quality-vs-sampling-cost',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: {
        text: `Sample quality against sampling cost at ${largest.toExponential(0).replace('e+', 'e')} training FLOPs`,
        subtitle:
          'Step line: Pareto frontier (no entry is both cheaper and better); named entries lie on it; bars: 95% interval over seeds',
      },
      config: FIGURE_CONFIG,
      hconcat: [panel('sample_flops', 'FLOPs per sample (log)'), panel('sample_ms_mean', 'ms per sample on this backend (log)')],
      resolve: { scale: { y: 'shared', color: 'shared', shape: 'shared' } },
    } as Figure['spec'],
  };
}
