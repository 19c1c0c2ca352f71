import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { FIGURE_FONT } from './figures/font.ts';
import { order } from './figures/style.ts';
import { svgToPng } from './figures/vega-render.ts';
import { gridPath, REAL_GRID } from './grid-path.ts';
import type { SummaryRow } from './summarize.ts';

/** Tiles of one sample grid shown per montage cell (columns x rows of the grid's top-left corner). */
const CELL_TILES = { cols: 4, rows: 2 };
/** Geometry of the grids sample-grid.ts writes: 28 px images at scale 2 with 2 px gutters. */
const GUTTER = 2;

export interface MontageRow {
  label: string;
  detail: string;
  /** Grid file per budget (relative to the report folder), or undefined where none was written. */
  cells: Array<string | undefined>;
  /** Which block of tiles of the grid to show (the real-data row shows different digits per column). */
  block: (column: number) => number;
}

/**
 * One labelled PNG of samples by budget: a row of real held-out digits, then
 * one row per paradigm showing its representative entry (lowest FD at the
 * largest budget), one column per budget. Built from the grids the study
 * wrote; a cell without a grid (an expensive sampler scored at the largest
 * budget only) says so. Returns undefined when there is no grid at all.
 */
export function samplesMontage(dir: string, summary: SummaryRow[], paradigmOf: (variant: string) => string): Buffer | undefined {
  const budgets = [...new Set(summary.map((s) => s.budget_flops))].sort((a, b) => a - b);
  const largest = budgets[budgets.length - 1];
  const rows: MontageRow[] = [];
  if (existsSync(path.join(dir, REAL_GRID))) {
    rows.push({ label: 'real data', detail: 'held-out digits', cells: budgets.map(() => REAL_GRID), block: (column) => column });
  }
  for (const paradigm of order([...new Set(summary.map((s) => paradigmOf(s.variant)))])) {
    const scored = summary.filter((s) => paradigmOf(s.variant) === paradigm && s.budget_flops === largest && Number.isFinite(s.fd_mean));
    const best = scored.sort((a, b) => a.fd_mean - b.fd_mean)[0];
    if (!best) continue;
    const cells = budgets.map((budget) => {
      const at = summary.find((s) => s.entry === best.entry && s.budget_flops === budget);
      return at && existsSync(path.join(dir, gridPath(at))) ? gridPath(at) : undefined;
    });
    rows.push({ label: paradigm, detail: `${best.entry}, FD ${Number(best.fd_mean.toPrecision(3))}`, cells, block: () => 0 });
  }
  if (!rows.some((r) => r.cells.some(Boolean))) return undefined;
  return svgToPng(montageSvg(dir, rows, budgets), 1);
}

function montageSvg(dir: string, rows: MontageRow[], budgets: number[]): string {
  const crops = new Map<string, { width: number; height: number; uri: string }>();
  const crop = (file: string, block: number) => {
    const key = `${file}#${block}`;
    if (!crops.has(key)) crops.set(key, cropTiles(readFileSync(path.join(dir, file)), block));
    return crops.get(key)!;
  };
  const sample = rows.flatMap((r) => r.cells.map((c, i) => (c ? crop(c, r.block(i)) : undefined))).find(Boolean)!;
  const cellW = sample.width;
  const cellH = sample.height;
  const labelW = 190;
  const gap = 14;
  const headerH = 64;
  const width = labelW + budgets.length * (cellW + gap) + gap;
  const height = headerH + rows.length * (cellH + gap) + gap;
  const text = (x: number, y: number, content: string, attrs = '') =>
    `<text x="${x}" y="${y}" ${attrs}>${content.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FIGURE_FONT}" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(gap, 24, 'Samples by training budget (first seed, best size)', 'font-size="16" font-weight="bold"'),
  ];
  budgets.forEach((budget, i) => {
    const x = labelW + i * (cellW + gap) + cellW / 2;
    parts.push(text(x, headerH - 10, `${budget.toExponential(0).replace('e+', 'e')} FLOPs`, 'text-anchor="middle" font-weight="bold"'));
  });
  rows.forEach((row, r) => {
    const y = headerH + r * (cellH + gap);
    parts.push(text(gap, y + cellH / 2 - 2, row.label, 'font-weight="bold"'));
    parts.push(text(gap, y + cellH / 2 + 15, row.detail, 'font-size="11" fill="#555"'));
    row.cells.forEach((file, i) => {
      const x = labelW + i * (cellW + gap);
      if (file) {
        parts.push(`<image x="${x}" y="${y}" width="${cellW}" height="${cellH}" href="${crop(file, row.block(i)).uri}"/>`);
      } else {
        parts.push(`<rect x="${x}" y="${y}" width="${cellW}" height="${cellH}" fill="#f4f4f4" stroke="#ddd"/>`);
        parts.push(text(x + cellW / 2, y + cellH / 2 + 4, 'not sampled at this budget', 'text-anchor="middle" font-size="11" fill="#777"'));
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * The `block`-th band of CELL_TILES.rows rows of tiles, CELL_TILES.cols tiles
 * wide, of a sample grid PNG, as a PNG data URI (falls back to the top band).
 */
export function cropTiles(png: Buffer, block: number): { width: number; height: number; uri: string } {
  const grid = PNG.sync.read(png);
  // the grid is square tiles of side t with gutters: width = cols * (t + GUTTER) + GUTTER, 8 columns
  const tile = (grid.width - GUTTER) / 8 - GUTTER;
  const rowsInGrid = Math.floor((grid.height - GUTTER) / (tile + GUTTER));
  const bands = Math.max(1, Math.floor(rowsInGrid / CELL_TILES.rows));
  const top = (block % bands) * CELL_TILES.rows * (tile + GUTTER);
  const width = Math.min(grid.width, CELL_TILES.cols * (tile + GUTTER) + GUTTER);
  const height = Math.min(grid.height - top, CELL_TILES.rows * (tile + GUTTER) + GUTTER);
  const out = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    grid.data.copy(out.data, y * width * 4, (top + y) * grid.width * 4, ((top + y) * grid.width + width) * 4);
  return { width, height, uri: `data:image/png;base64,${PNG.sync.write(out).toString('base64')}` };
}
