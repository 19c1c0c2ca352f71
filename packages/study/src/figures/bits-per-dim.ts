import { type SummaryRow, spentFlops } from '../summarize.ts';
import { FIGURE_CONFIG, type Figure, intervalBars, positive, TRAINING_FLOPS_X, VEGA_LITE_SCHEMA } from './style.ts';

/**
 * Held-out bits/dim against training FLOPs on log axes (so DDPM's loose bound
 * no longer flattens every other series), exact likelihoods drawn solid with
 * circles and bounds dashed with triangles. Undefined when no variant has one.
 */
export function bitsPerDimFigure(summary: SummaryRow[]): Figure | undefined {
  const seen = new Set<string>();
  const values = summary
    .filter((s) => positive(s.bpd_mean) !== null && s.bpd_kind)
    .filter((s) => {
      // bits/dim belongs to the model, not the sampler: one point per variant and budget
      const key = `${s.variant}@${s.budget_flops}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((s) => ({
      variant: s.variant,
      kind: s.bpd_kind,
      flops: spentFlops(s),
      bpd: s.bpd_mean,
      low: positive(s.bpd_low),
      high: positive(s.bpd_high),
    }));
  if (values.length === 0) return undefined;
  const x = TRAINING_FLOPS_X;
  const y = { field: 'bpd', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'bits/dim (log, lower is better)' } as const;
  const kindScale = { domain: ['exact', 'bound'] };
  return {
    name: 'bpd-vs-training-flops',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: {
        text: 'Held-out bits/dim against training compute',
        subtitle:
          'Solid line, circles: exact likelihood; dashed line, triangles: a bound on it (as each model reports its kind); bars: 95% interval over seeds',
      },
      config: FIGURE_CONFIG,
      width: 520,
      height: 320,
      data: { values },
      layer: [
        intervalBars(x, y, 'variant'),
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x,
            y,
            color: { field: 'variant', type: 'nominal', title: 'variant' },
            strokeDash: {
              field: 'kind',
              type: 'nominal',
              title: 'likelihood',
              scale: {
                ...kindScale,
                range: [
                  [1, 0],
                  [6, 4],
                ],
              },
            },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60, opacity: 1 },
          encoding: {
            x,
            y,
            color: { field: 'variant', type: 'nominal' },
            shape: { field: 'kind', type: 'nominal', title: 'likelihood', scale: { ...kindScale, range: ['circle', 'triangle-up'] } },
          },
        },
      ],
    } as Figure['spec'],
  };
}
