import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Marked } from 'marked';

/**
 * Forbids every network load: images only from data: URIs, styles only
 * inline, no scripts, fonts, frames or connections. A report that renders
 * under it needs nothing outside the file.
 */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; max-width: 1180px; margin: 2em auto; padding: 0 1.2em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .88em; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: .3em .55em; text-align: left; white-space: nowrap; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
figure.chart { margin: 1.5em 0; overflow-x: auto; } figure.chart svg { max-width: 100%; height: auto; }
img { max-width: 100%; } code { background: #f3f3f3; padding: 0 .25em; }
`;

/**
 * REPORT.md as one self-contained HTML page: the Markdown rendered to HTML,
 * each figure (plots/NAME.png with a plots/NAME.svg beside it) inlined as its
 * SVG, every other local image inlined as a data: URI, under a Content
 * Security Policy that forbids network loads.
 */
export function reportHtml(markdown: string, dir: string, title: string): string {
  const marked = new Marked({
    renderer: {
      image({ href, text }) {
        return inlineImage(dir, href, text);
      },
    },
  });
  const body = marked.parse(markdown, { async: false });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function inlineImage(dir: string, href: string, alt: string): string {
  const file = path.join(dir, href);
  const svg = file.replace(/\.png$/, '.svg');
  if (href.endsWith('.png') && existsSync(svg)) {
    const inline = readFileSync(svg, 'utf8').replace(/^<\?xml[^>]*>\s*/, '');
    return `<figure class="chart" role="img" aria-label="${escapeHtml(alt)}">${inline}</figure>`;
  }
  if (!existsSync(file)) return `<em>(missing image: ${escapeHtml(href)})</em>`;
  const type = href.endsWith('.png') ? 'image/png' : href.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
  return `<img alt="${escapeHtml(alt)}" src="data:${type};base64,${readFileSync(file).toString('base64')}">`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
