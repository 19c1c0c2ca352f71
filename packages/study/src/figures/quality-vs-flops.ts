import { type SummaryRow, spentFlops } from '../summarize.ts';
import type { ReferenceLevel } from './references.ts';
import { FIGURE_CONFIG, type Figure, order, positive, TRAINING_FLOPS_X, VEGA_LITE_SCHEMA } from './style.ts';

/**
 * FD against training FLOPs as small multiples, one panel per paradigm (so
 * ddim-10 no longer hides under ddim-50 among ten overlaid series): log x and
 * log y, the 95% interval over seeds as a band, and the reference levels
 * (real data, mean image, noise) as dashed rules in every panel.
 */
export function qualityVsFlopsFigure(summary: SummaryRow[], references: ReferenceLevel[], paradigmOf: (v: string) => string): Figure {
  const scored = summary.filter((s) => positive(s.fd_mean) !== null);
  const paradigms = order([...new Set(scored.map((s) => paradigmOf(s.variant)))]);
  const models = scored.map((s) => ({
    kind: 'model',
    paradigm: paradigmOf(s.variant),
    entry: s.entry,
    flops: spentFlops(s),
    fd: s.fd_mean,
    // a log axis cannot show a bound at or below zero: clip the band at a tenth of the mean
    low: positive(s.fd_low) ?? (Number.isFinite(s.fd_low) ? s.fd_mean / 10 : null),
    high: positive(s.fd_high),
  }));
  const rules = paradigms.flatMap((paradigm) => references.map((r) => ({ kind: 'reference', paradigm, reference: r.label, fd: r.fd })));
  const y = { field: 'fd', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'FD (log, lower is better)' } as const;
  const x = TRAINING_FLOPS_X;
  const color = { field: 'entry', type: 'nominal', title: 'entry', legend: { orient: 'right' } } as const;
  return {
    name: 'quality-vs-training-flops',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: {
        text: 'Sample quality against training compute, per paradigm',
        subtitle: `FD of each entry at its best size; bands: 95% interval over seeds; dashed: ${references.map((r) => r.label).join(', ') || 'no reference rows'}`,
      },
      config: FIGURE_CONFIG,
      data: { values: [...models, ...rules] },
      facet: { field: 'paradigm', type: 'nominal', sort: paradigms, header: { title: null } },
      columns: 3,
      spec: {
        width: 240,
        height: 190,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'reference'" }],
            mark: { type: 'rule', strokeDash: [5, 4], color: '#777' },
            encoding: { y },
          },
          {
            transform: [{ filter: "datum.kind === 'reference'" }],
            mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 9, color: '#555' },
            encoding: { y, x: { value: 0 }, text: { field: 'reference' } },
          },
          {
            transform: [{ filter: "datum.kind === 'model' && isValid(datum.low) && isValid(datum.high)" }],
            mark: { type: 'area', opacity: 0.18 },
            encoding: { x, y: { field: 'low', type: 'quantitative', scale: y.scale, title: y.title }, y2: { field: 'high' }, color },
          },
          {
            transform: [{ filter: "datum.kind === 'model'" }],
            // a hollow shape per entry too, so entries with near-equal FD (ddim-10, ddim-50) stay distinguishable
            mark: { type: 'line', point: { filled: false, size: 50, strokeWidth: 1.8 }, strokeWidth: 2, opacity: 0.9 },
            encoding: { x, y, color, shape: { field: 'entry', type: 'nominal', title: 'entry' } },
          },
        ],
      },
      resolve: { axis: { x: 'independent', y: 'independent' } },
    } as Figure['spec'],
  };
}
