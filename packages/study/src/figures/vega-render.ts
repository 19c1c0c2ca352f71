import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FIGURE_FONT, FIGURE_FONT_FILES } from './font.ts';
import { measureTextWithBundledFont } from './text-metrics.ts';

/** Compiles a Vega-Lite spec and renders it headless (no browser, no canvas) to an SVG string. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  measureTextWithBundledFont();
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG with the bundled DejaVu fonts only, so a bare container draws the same text. */
export function svgToPng(svg: string, zoom = 1.5): Buffer {
  return new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FIGURE_FONT_FILES, defaultFontFamily: FIGURE_FONT },
    fitTo: { mode: 'zoom', value: zoom },
  })
    .render()
    .asPng();
}
