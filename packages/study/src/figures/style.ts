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

/** Compact exponent labels for FLOPs axes (1e10 rather than 10,000,000,000). */
export const EXPONENT_LABELS = { labelExpr: "format(datum.value, '.0e')", labelOverlap: 'greedy' } as const;
