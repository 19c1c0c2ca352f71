/**
 * Minimal SVG charts (no dependency): lines with 95% interval bands, or
 * labelled points, on linear or log axes, with dashed reference lines.
 */
export interface ChartPoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
  label?: string;
}

export interface ChartSeries {
  label: string;
  points: ChartPoint[];
  /** Draw a line through the points (else markers only). */
  line?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  series: ChartSeries[];
  referenceLines?: Array<{ label: string; y: number }>;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const W = 760;
const H = 460;
const M = { left: 70, right: 190, top: 40, bottom: 55 };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function scale(values: number[], log: boolean, from: number, to: number): { map: (v: number) => number; ticks: number[] } {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (!Number.isFinite(lo)) [lo, hi] = [1, 10];
  if (log) {
    lo = Math.log10(lo);
    hi = Math.log10(hi);
  }
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  const map = (v: number) => from + (((log ? Math.log10(v) : v) - lo) / (hi - lo)) * (to - from);
  const ticks: number[] = [];
  if (log) {
    // fewer ticks per decade when the axis spans many, so labels do not collide
    const mantissas = hi - lo > 3 ? [1] : [1, 2, 5];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of mantissas) {
        const t = m * 10 ** e;
        const lt = Math.log10(t);
        if (lt >= lo && lt <= hi) ticks.push(t);
      }
    }
  } else {
    const step = 10 ** Math.floor(Math.log10((hi - lo) / 5));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= 7) ?? step * 10;
    for (let t = Math.ceil(lo / nice) * nice; t <= hi; t += nice) ticks.push(Number(t.toPrecision(6)));
  }
  return { map, ticks };
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e4 || abs < 1e-2) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

export function renderChart(spec: ChartSpec): string {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [
    ...spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.low ?? p.y, p.high ?? p.y])),
    ...(spec.referenceLines ?? []).map((r) => r.y),
  ];
  const sx = scale(xs, spec.logX ?? false, M.left, W - M.right);
  const sy = scale(ys, spec.logY ?? false, H - M.bottom, M.top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2 + M.left / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of sx.ticks) {
    const x = sx.map(t);
    parts.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of sy.ticks) {
    const y = sy.map(t);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${formatTick(t)}</text>`);
  }
  parts.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#444"/>`,
  );
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const ref of spec.referenceLines ?? []) {
    if (!Number.isFinite(ref.y) || (spec.logY && ref.y <= 0)) continue;
    const y = sy.map(ref.y);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#666" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${M.left + 6}" y="${y - 4}" fill="#444">${escapeXml(ref.label)}</text>`);
  }
  const clampY = (v: number) => Math.max(M.top, Math.min(H - M.bottom, v));
  spec.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = series.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.logY || p.y > 0))
      .sort((a, b) => a.x - b.x);
    if (pts.length === 0) return;
    const banded = pts.filter((p) => Number.isFinite(p.low) && Number.isFinite(p.high));
    if (series.line !== false && banded.length >= 2) {
      const lowOf = (p: ChartPoint) => (spec.logY ? Math.max(p.low as number, p.y / 100) : (p.low as number));
      const upper = banded.map((p) => `${sx.map(p.x)},${clampY(sy.map(p.high as number))}`);
      const lower = banded.map((p) => `${sx.map(p.x)},${clampY(sy.map(lowOf(p)))}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (series.line !== false && pts.length >= 2) {
      parts.push(
        `<polyline points="${pts.map((p) => `${sx.map(p.x)},${sy.map(p.y)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
    for (const p of pts) {
      parts.push(`<circle cx="${sx.map(p.x)}" cy="${sy.map(p.y)}" r="3.5" fill="${color}"/>`);
      if (series.line === false && Number.isFinite(p.low) && Number.isFinite(p.high)) {
        parts.push(
          `<line x1="${sx.map(p.x)}" y1="${clampY(sy.map(p.high as number))}" x2="${sx.map(p.x)}" y2="${clampY(sy.map(spec.logY ? Math.max(p.low as number, p.y / 100) : (p.low as number)))}" stroke="${color}"/>`,
        );
      }
      if (p.label)
        parts.push(`<text x="${sx.map(p.x) + 6}" y="${sy.map(p.y) - 6}" fill="${color}" font-size="11">${escapeXml(p.label)}</text>`);
    }
    const ly = M.top + 14 + i * 18;
    parts.push(`<rect x="${W - M.right + 12}" y="${ly - 9}" width="12" height="12" fill="${color}"/>`);
    parts.push(`<text x="${W - M.right + 30}" y="${ly + 1}">${escapeXml(series.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
