import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@curtain/core';
import { type CsvRow, num } from './columns.ts';
import { readCsv, writeCsvAtomic, writeTextAtomic } from './csv-store.ts';
import { gridPath } from './grid-path.ts';
import { svgToPng } from './render-png.ts';
import { meanInterval } from './stats.ts';
import {
  HYPOTHESIS_COLUMNS,
  type HypothesisRow,
  latestRuns,
  pickWinners,
  SUMMARY_COLUMNS,
  type SummaryRow,
  summarize,
  testHypothesis,
  WINNER_COLUMNS,
  type WinnerRow,
} from './summarize.ts';
import { type ChartSeries, renderChart } from './svg-chart.ts';

export interface ReportFiles {
  summary: SummaryRow[];
  winners: WinnerRow[];
  hypothesis: HypothesisRow[];
}

const fmt = (v: number, digits = 3) =>
  !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e6 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
const fmtInterval = (mean: number, low: number, high: number) =>
  Number.isFinite(low) && Number.isFinite(high) ? `${fmt(mean)} [${fmt(low)}, ${fmt(high)}]` : fmt(mean);
const fmtFlops = (v: number) => v.toExponential(0).replace('e+', 'e');

/** Writes summary.csv, winners.csv, hypothesis.csv, the plots and REPORT.md from DIR/runs.csv. */
export function renderReport(dir: string): ReportFiles {
  const runsFile = path.join(dir, 'runs.csv');
  if (!existsSync(runsFile)) throw new UsageError(`${runsFile}: not found; run \`pnpm study --out ${dir}\` first`);
  const rows = readCsv(runsFile);
  const summary = summarize(rows);
  const winners = pickWinners(summary);
  const hypothesis = testHypothesis(summary);
  writeCsvAtomic(path.join(dir, 'summary.csv'), SUMMARY_COLUMNS, summary as unknown as Array<Record<string, unknown>>);
  writeCsvAtomic(path.join(dir, 'winners.csv'), WINNER_COLUMNS, winners as unknown as Array<Record<string, unknown>>);
  writeCsvAtomic(path.join(dir, 'hypothesis.csv'), HYPOTHESIS_COLUMNS, hypothesis as unknown as Array<Record<string, unknown>>);
  const references = referenceFds(rows);
  writePlot(dir, 'quality-vs-training-flops', qualityVsFlops(summary, references));
  writePlot(dir, 'quality-vs-sampling-cost', qualityVsSamplingCost(summary, references));
  const bpdChart = bpdVsFlops(summary);
  if (bpdChart) writePlot(dir, 'bpd-vs-training-flops', bpdChart);
  writeTextAtomic(path.join(dir, 'REPORT.md'), reportMarkdown(dir, rows, summary, winners, hypothesis, references));
  return { summary, winners, hypothesis };
}

function referenceFds(rows: CsvRow[]): Array<{ label: string; y: number }> {
  return (['data', 'noise'] as const).map((variant) => ({
    label: variant === 'data' ? 'data (held-out real)' : 'noise',
    y: meanInterval(
      latestRuns(rows)
        .filter((r) => r.variant === variant)
        .map((r) => num(r.fd)),
    ).mean,
  }));
}

function writePlot(dir: string, name: string, svg: string): void {
  writeTextAtomic(path.join(dir, 'plots', `${name}.svg`), svg);
  writeTextAtomic(path.join(dir, 'plots', `${name}.png`), svgToPng(svg));
}

const byEntry = (summary: SummaryRow[]) => {
  const map = new Map<string, SummaryRow[]>();
  for (const s of summary) map.set(s.entry, [...(map.get(s.entry) ?? []), s]);
  return map;
};

function qualityVsFlops(summary: SummaryRow[], references: Array<{ label: string; y: number }>): string {
  const series: ChartSeries[] = [...byEntry(summary)].map(([entry, rows]) => ({
    label: entry,
    points: rows.map((s) => ({ x: s.budget_flops, y: s.fd_mean, low: s.fd_low, high: s.fd_high })),
  }));
  return renderChart({
    title: 'Sample quality against training compute',
    xLabel: 'training FLOPs (log)',
    yLabel: 'FD to training images (log, lower is better)',
    logX: true,
    logY: true,
    series,
    referenceLines: references,
  });
}

function qualityVsSamplingCost(summary: SummaryRow[], references: Array<{ label: string; y: number }>): string {
  const largest = Math.max(...summary.map((s) => s.budget_flops));
  const atLargest = summary.filter((s) => s.budget_flops === largest && Number.isFinite(s.sample_ms_mean));
  return renderChart({
    title: `Quality against sampling cost at ${fmtFlops(largest)} training FLOPs`,
    xLabel: 'ms per sample on this backend (log)',
    yLabel: 'FD (log, lower is better)',
    logX: true,
    logY: true,
    series: atLargest.map((s) => ({
      label: `${s.entry} (${s.network_evals} evals)`,
      line: false,
      points: [{ x: s.sample_ms_mean, y: s.fd_mean, low: s.fd_low, high: s.fd_high, label: s.entry }],
    })),
    referenceLines: references,
  });
}

function bpdVsFlops(summary: SummaryRow[]): string | undefined {
  const series: ChartSeries[] = [...byEntry(summary)]
    .filter(([, rows]) => rows.some((s) => Number.isFinite(s.bpd_mean)))
    .filter(([entry, rows]) => !entry.includes('/') || entry === `${rows[0].variant}/${rows[0].sampler}`)
    .map(([, rows]) => ({
      label: `${rows[0].variant} (${rows[0].bpd_kind})`,
      points: rows.map((s) => ({ x: s.budget_flops, y: s.bpd_mean, low: s.bpd_low, high: s.bpd_high })),
    }));
  const unique = [...new Map(series.map((s) => [s.label, s])).values()];
  if (unique.length === 0) return undefined;
  return renderChart({
    title: 'Held-out bits/dim against training compute',
    xLabel: 'training FLOPs (log)',
    yLabel: 'bits/dim (exact or bound; lower is better)',
    logX: true,
    series: unique,
  });
}

function answerSentence(winners: WinnerRow[]): string {
  if (winners.length === 0) return 'No finished runs yet.';
  const parts = winners.map((w) =>
    w.verdict === 'inconclusive'
      ? `at ${fmtFlops(w.budget_flops)} FLOPs no paradigm is separated from the runner-up (best mean: ${w.winner}, FD ${fmt(w.winner_fd)}, vs ${w.runner_up}, ${fmt(w.runner_up_fd)}; the 95% intervals overlap)`
      : `at ${fmtFlops(w.budget_flops)} FLOPs **${w.winner}** wins (FD ${fmt(w.winner_fd)} vs ${w.runner_up} ${fmt(w.runner_up_fd)}, intervals separated)`,
  );
  return `${parts.join('; ')}.`;
}

function hypothesisSentence(hypothesis: HypothesisRow[]): string {
  if (hypothesis.length === 0) return 'Not tested: vae, hvae and pcvae rows are missing.';
  const verdicts = hypothesis.map(
    (h) =>
      `at ${fmtFlops(h.budget_flops)} FLOPs **${h.verdict}** (pcvae − hvae FD ${fmtInterval(h.pcvae_minus_hvae, h.pcvae_minus_hvae_low, h.pcvae_minus_hvae_high)}; pcvae − vae ${fmtInterval(h.pcvae_minus_vae, h.pcvae_minus_vae_low, h.pcvae_minus_vae_high)}; ${h.premise === 'ddpm beats hvae' ? `share of the hvae→ddpm gap closed ${fmt(h.gap_closed, 2)}` : `premise not met here: ${h.premise}`})`,
  );
  return `${verdicts.join('; ')}.`;
}

function reportMarkdown(
  dir: string,
  rows: CsvRow[],
  summary: SummaryRow[],
  winners: WinnerRow[],
  hypothesis: HypothesisRow[],
  references: Array<{ label: string; y: number }>,
): string {
  const studyFile = path.join(dir, 'study.json');
  const study = existsSync(studyFile) ? JSON.parse(readFileSync(studyFile, 'utf8')) : {};
  const first = rows.find((r) => r.paradigm !== 'reference') ?? rows[0] ?? {};
  const statusCounts = ['ok', 'diverged', 'collapsed']
    .map((s) => `${rows.filter((r) => r.paradigm !== 'reference' && r.status === s).length} ${s}`)
    .join(', ');
  const lines: string[] = [];
  lines.push(`# curtain report: ${study.preset?.name ?? path.basename(dir)} preset on ${first.dataset ?? '?'}`);
  lines.push('');
  lines.push(
    `Generated from \`runs.csv\` (${rows.length} rows: ${statusCounts}; plus reference rows). Backend **${first.backend ?? '?'}** (${first.blas ?? '?'}, ${first.threads ?? '?'} threads) on ${first.host_cpu ?? '?'}, ${first.host_cores ?? '?'} cores; tfjs ${first.tfjs_version ?? '?'}, Node ${first.node_version ?? '?'}. Evaluator \`${first.evaluator_id ?? '?'}\`, ${first.eval_samples ?? '?'} generated vs real images per FD. Protocol: nested budgets (one run per size and seed, constant learning rate, evaluated as it passes each budget); each variant is scored at its best size per budget; intervals are 95% Student-t over seeds.`,
  );
  lines.push('');
  lines.push('## The answer');
  lines.push('');
  lines.push(`Which paradigm makes the best images (lowest FD) under a fixed training budget: ${answerSentence(winners)}`);
  lines.push('');
  lines.push(`Does predictive coding close the VAE–diffusion gap? ${hypothesisSentence(hypothesis)}`);
  lines.push('');
  lines.push(
    `Reference points: real held-out data scores FD ${fmt(references[0].y)} (the floor), uniform noise ${fmt(references[1].y)} (the ceiling).`,
  );
  lines.push('');
  lines.push('![quality against training FLOPs](plots/quality-vs-training-flops.png)');
  lines.push('');
  lines.push('![quality against sampling cost](plots/quality-vs-sampling-cost.png)');
  if (existsSync(path.join(dir, 'plots', 'bpd-vs-training-flops.png'))) {
    lines.push('');
    lines.push('![bits/dim against training FLOPs](plots/bpd-vs-training-flops.png)');
  }
  lines.push('');
  lines.push('## Winners per budget');
  lines.push('');
  lines.push('| budget (FLOPs) | best mean | FD | runner-up | FD | verdict |');
  lines.push('|---|---|---|---|---|---|');
  for (const w of winners)
    lines.push(
      `| ${fmtFlops(w.budget_flops)} | ${w.winner} | ${fmt(w.winner_fd)} | ${w.runner_up} | ${fmt(w.runner_up_fd)} | ${w.verdict} |`,
    );
  lines.push('');
  lines.push('## Predictive-coding hypothesis');
  lines.push('');
  lines.push(
    'Treatment `pcvae` (latents code prediction residuals), control `hvae` (same hierarchy, no residual coding), baseline `vae`, target `ddpm`. Supported when pcvae beats both hvae and vae with 95% intervals of the differences below zero; refuted when pcvae − hvae lies wholly above zero.',
  );
  lines.push('');
  lines.push(
    "The hypothesis presupposes that diffusion beats the VAEs; `premise` says whether ddpm's FD interval lies wholly below hvae's at that budget, and the share of the gap closed is given only where it does.",
  );
  lines.push('');
  lines.push('| budget | vae | hvae | pcvae | ddpm | pcvae − hvae [95%] | pcvae − vae [95%] | premise | gap closed | verdict |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const h of hypothesis) {
    lines.push(
      `| ${fmtFlops(h.budget_flops)} | ${fmt(h.vae_fd)} | ${fmt(h.hvae_fd)} | ${fmt(h.pcvae_fd)} | ${fmt(h.ddpm_fd)} | ${fmtInterval(h.pcvae_minus_hvae, h.pcvae_minus_hvae_low, h.pcvae_minus_hvae_high)} | ${fmtInterval(h.pcvae_minus_vae, h.pcvae_minus_vae_low, h.pcvae_minus_vae_high)} | ${h.premise} | ${fmt(h.gap_closed, 2)} | ${h.verdict} |`,
    );
  }
  lines.push('');
  lines.push('## All variants');
  lines.push('');
  lines.push('FD, KID and bits/dim are means over seeds with 95% intervals; P/R are precision and recall (k = 3); cost is per sample.');
  lines.push('');
  lines.push('| budget | variant | size | seeds | FD [95%] | KID | P | R | bits/dim | net evals | ms/sample | sample FLOPs | train s |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of summary) {
    const flags = [s.diverged ? `${s.diverged} diverged` : '', s.collapsed ? `${s.collapsed} collapsed` : ''].filter(Boolean).join(', ');
    lines.push(
      `| ${fmtFlops(s.budget_flops)} | ${s.entry} | ${s.best_size} | ${s.seeds}${flags ? ` (${flags})` : ''} | ${fmtInterval(s.fd_mean, s.fd_low, s.fd_high)} | ${fmt(s.kid_mean)} | ${fmt(s.precision_mean, 2)} | ${fmt(s.recall_mean, 2)} | ${Number.isFinite(s.bpd_mean) ? `${fmt(s.bpd_mean)} (${s.bpd_kind})` : '–'} | ${fmt(s.network_evals)} | ${fmt(s.sample_ms_mean)} | ${Number.isFinite(s.sample_flops) ? s.sample_flops.toExponential(1) : '–'} | ${fmt(s.train_seconds_mean)} |`,
    );
  }
  lines.push('');
  const grids = summary.filter((s) => existsSync(path.join(dir, gridPath(s))));
  if (grids.length > 0) {
    lines.push('## Samples (first seed, best size)');
    lines.push('');
    const budgets = [...new Set(grids.map((s) => s.budget_flops))].sort((a, b) => a - b);
    lines.push(`| variant | ${budgets.map(fmtFlops).join(' | ')} |`);
    lines.push(`|---|${budgets.map(() => '---').join('|')}|`);
    for (const entry of [...new Set(grids.map((s) => s.entry))]) {
      const cells = budgets.map((b) => {
        const s = grids.find((g) => g.entry === entry && g.budget_flops === b);
        return s ? `![${entry} at ${fmtFlops(b)}](${gridPath(s)})` : '';
      });
      lines.push(`| ${entry} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(...benchmarkTables(dir));
  lines.push('## Files');
  lines.push('');
  lines.push(
    '`runs.csv` (one row per run, every parameter and the host fingerprint), `summary.csv`, `winners.csv`, `hypothesis.csv`, `plots/*.svg|png`, `grids/*.png`. Regenerate with `pnpm reports --preset ' +
      (study.preset?.name ?? 'quick') +
      '`.',
  );
  lines.push('');
  return lines.join('\n');
}

/** The benchmark CSVs of DIR/bench (engine, train, sample) as Markdown tables, where present. */
function benchmarkTables(dir: string): string[] {
  const tables: Array<{ file: string; title: string; ratio: string; columns: Array<[string, string]> }> = [
    {
      file: 'engine.csv',
      title: 'Engine: one training step of the reference cases',
      ratio: 'examples/s over PyTorch examples/s (above 1: faster than PyTorch)',
      columns: [
        ['case', 'case'],
        ['backend', 'backend'],
        ['examples_per_s', 'examples/s'],
        ['gflops', 'GFLOP/s'],
        ['peer_examples_per_s', 'PyTorch examples/s'],
        ['peer_ratio', 'ratio'],
      ],
    },
    {
      file: 'train.csv',
      title: 'Training throughput of each variant (reference size)',
      ratio: 'examples/s over PyTorch examples/s (above 1: faster than PyTorch)',
      columns: [
        ['variant', 'variant'],
        ['backend', 'backend'],
        ['batch', 'batch'],
        ['examples_per_s', 'examples/s'],
        ['gflops', 'GFLOP/s'],
        ['peer_examples_per_s', 'PyTorch examples/s'],
        ['peer_ratio', 'ratio'],
      ],
    },
    {
      file: 'sample.csv',
      title: 'Sampling cost of each variant and sampler',
      ratio: 'ms per sample over PyTorch ms per sample (above 1: slower than PyTorch)',
      columns: [
        ['variant', 'variant'],
        ['sampler', 'sampler'],
        ['backend', 'backend'],
        ['network_evals', 'net evals'],
        ['ms_per_sample', 'ms/sample'],
        ['flops_per_sample', 'FLOPs/sample'],
        ['peer_ms_per_sample', 'PyTorch ms/sample'],
        ['peer_ratio', 'ratio'],
      ],
    },
  ];
  const lines: string[] = [];
  for (const table of tables) {
    const file = path.join(dir, 'bench', table.file);
    if (!existsSync(file)) continue;
    const rows = readCsv(file);
    if (rows.length === 0) continue;
    const cell = (value: string | undefined) => {
      const n = num(value);
      return value === undefined || value === '' ? '–' : Number.isFinite(n) ? fmt(n) : value;
    };
    lines.push(`## ${table.title}`, '', `From \`bench/${table.file}\` (same host, same run; ratio: ${table.ratio}).`, '');
    lines.push(`| ${table.columns.map(([, label]) => label).join(' | ')} |`);
    lines.push(`|${table.columns.map(() => '---').join('|')}|`);
    for (const row of rows) lines.push(`| ${table.columns.map(([key]) => cell(row[key])).join(' | ')} |`);
    lines.push('');
  }
  return lines;
}
