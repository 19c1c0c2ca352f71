import { Resvg } from '@resvg/resvg-js';

/** Rasterises an SVG with the system fonts (DejaVu on Debian). */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 1.5 } })
    .render()
    .asPng();
}
