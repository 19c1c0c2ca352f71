import type { TopLevelSpec } from 'vega-lite';
import { FIGURE_FONT } from './font.ts';

/** Vega-Lite's schema URL: a name for editors, never fetched when rendering. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Shared look of every figure (users can restyle any figure by editing its .vl.json). */
export const FIGURE_CONFIG = {
  font: FIGURE_FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555', offset: 12 },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#eee' },
  header: { labelFontSize: 12, labelFontWeight: 'bold', title: null },
  legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 220, symbolOpacity: 1 },
  view: { stroke: '#999' },
  range: { category: { scheme: 'tableau10' } },
} as const;

/** Paradigms in the order the report discusses them (others follow alphabetically). */
export const PARADIGM_ORDER = ['gan', 'vae', 'autoregressive', 'flow', 'diffusion'];

/** Paradigms in the report's order, unknown ones after, alphabetically. */
export function order(paradigms: string[]): string[] {
  const rank = (p: string) => (PARADIGM_ORDER.includes(p) ? PARADIGM_ORDER.indexOf(p) : PARADIGM_ORDER.length);
  return [...paradigms].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export type FigureSpec = TopLevelSpec & { title: { text: string; subtitle?: string | string[] } };

/** A figure as the report lists it: file stem under plots/ and the title shown above it. */
export interface Figure {
  name: string;
  spec: FigureSpec;
}

/** A log axis needs positive values; anything else becomes null (a gap, not a crash). */
export const positive = (v: number): number | null => (Number.isFinite(v) && v > 0 ? v : null);

/** Compact exponent labels for FLOPs axes (1e+10 rather than 10,000,000,000); colliding labels are dropped. */
export const EXPONENT_LABELS = { format: '.1~e', labelOverlap: 'greedy', labelSeparation: 6 } as const;

/** The training-FLOPs axis (log) every figure against training compute shares; data field `flops`. */
export const TRAINING_FLOPS_X = {
  field: 'flops',
  type: 'quantitative',
  scale: { type: 'log', nice: false, padding: 14 },
  title: 'training FLOPs spent (log)',
  axis: EXPONENT_LABELS,
} as const;

/** A layer of 95% interval bars (rules from `low` to `high`) where both ends exist. */
export function intervalBars(x: object, y: { scale: object; title: string }, colorField: string) {
  return {
    transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
    mark: { type: 'rule', strokeWidth: 1.4 },
    encoding: {
      x,
      y: { field: 'low', type: 'quantitative', scale: y.scale, title: y.title },
      y2: { field: 'high' },
      color: { field: colorField, type: 'nominal' },
    },
  };
}
