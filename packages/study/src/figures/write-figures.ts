import path from 'node:path';
import { writeFileAtomic } from '@curtain/core';
import type { CsvRow } from '../columns.ts';
import { readCurves } from '../curves.ts';
import type { SummaryRow } from '../summarize.ts';
import { bitsPerDimFigure } from './bits-per-dim.ts';
import { lossCurvesFigure } from './loss-curves.ts';
import { qualityVsFlopsFigure } from './quality-vs-flops.ts';
import { paradigmOf, referenceLevels } from './references.ts';
import { samplingCostFigure } from './sampling-cost.ts';
import type { Figure } from './style.ts';
import { svgToPng, vegaLiteToSvg } from './vega-render.ts';

/** Folder of the figures inside a report folder. */
export const PLOTS_DIR = 'plots';

/**
 * Writes every figure the data supports as plots/NAME.vl.json (the Vega-Lite
 * spec with its data inline, for restyling), plots/NAME.svg and plots/NAME.png,
 * and returns them in report order.
 */
export async function writeFigures(dir: string, rows: CsvRow[], summary: SummaryRow[]): Promise<Figure[]> {
  const references = referenceLevels(rows);
  const paradigm = paradigmOf(rows);
  const figures = [
    qualityVsFlopsFigure(summary, references, paradigm),
    samplingCostFigure(summary, references, paradigm),
    bitsPerDimFigure(summary),
    lossCurvesFigure(readCurves(dir, rows)),
  ].filter((f): f is Figure => f !== undefined);
  for (const figure of figures) {
    const base = path.join(dir, PLOTS_DIR, figure.name);
    writeFileAtomic(`${base}.vl.json`, `${JSON.stringify(figure.spec, null, 2)}\n`);
    const svg = await vegaLiteToSvg(figure.spec);
    writeFileAtomic(`${base}.svg`, svg);
    writeFileAtomic(`${base}.png`, svgToPng(svg));
  }
  return figures;
}
