import { readFileSync } from 'node:fs';
import opentype from 'opentype.js';
import * as vega from 'vega';
import { FIGURE_FONT_FILES } from './font.ts';

/**
 * Vega lays out titles, legends and labels by text width. Without a canvas it
 * guesses 0.8 em per character, which leaves wide empty margins and clipped
 * or colliding labels; instead measure with the glyph advances of the same
 * DejaVu fonts the PNGs are rasterised with. Vega reads its text metrics from
 * one module-level object (vl-convert replaces it the same way), so this
 * runs once, when the renderer is first used.
 */
let installed = false;

type TextItem = { fontSize?: number; fontWeight?: string | number };
/** vega-scenegraph's text metrics, re-exported by vega but missing from its typings. */
const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text: string) => number } };

export function measureTextWithBundledFont(): void {
  if (installed) return;
  const [regular, bold] = FIGURE_FONT_FILES.map((file) => {
    const bytes = readFileSync(file);
    return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  });
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const value = text == null ? '' : String(text).trim();
    const weight = item.fontWeight;
    const font = weight === 'bold' || (typeof weight === 'number' && weight >= 600) ? bold : regular;
    let units = 0;
    for (const char of value) units += font.charToGlyph(char).advanceWidth ?? 0;
    return (units * size) / font.unitsPerEm;
  };
  installed = true;
}
