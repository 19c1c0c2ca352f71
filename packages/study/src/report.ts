import { existsSync } from 'node:fs';
import path from 'node:path';
import { RUN_STATUSES, UsageError, writeFileAtomic } from '@curtain/core';
import type { BenchColumn, BenchSuiteName } from '@curtain/zoo';
import { type CsvRow, num } from './columns.ts';
import { type ComparableRows, comparableRows, describeSetting, readStudyJson, studySetting } from './comparable.ts';
import { coverageSentence } from './coverage.ts';
import { diffusionCrossover } from './crossover.ts';
import { readCsv, writeCsvAtomic } from './csv-store.ts';
import { paradigmOf, type ReferenceLevel, referenceLevels } from './figures/references.ts';
import type { Figure } from './figures/style.ts';
import { PLOTS_DIR, writeFigures } from './figures/write-figures.ts';
import { gridPath } from './grid-path.ts';
import { HYPOTHESIS_COLUMNS, type HypothesisRow, type StudyVerdicts, studyVerdicts } from './hypothesis.ts';
import { samplesMontage } from './montage.ts';
import { reportHtml } from './report-html.ts';
import { readRunRows } from './runs-file.ts';
import { samplingCostSentence } from './sampling-answer.ts';
import { describeSessions, sessionsOf } from './study-sessions.ts';
import { latestRuns, SUMMARY_COLUMNS } from './summarize.ts';
import {
  COMPARISONS_COLUMNS,
  MIN_VERDICT_SAMPLES,
  PARADIGM_COLUMNS,
  type ParadigmRow,
  WINNER_COLUMNS,
  type WinnerRow,
} from './verdicts.ts';

export type ReportFiles = StudyVerdicts;

const fmt = (v: number, digits = 3) =>
  !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e6 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
const fmtInterval = (mean: number, low: number, high: number) =>
  Number.isFinite(low) && Number.isFinite(high) ? `${fmt(mean)} [${fmt(low)}, ${fmt(high)}]` : fmt(mean);
const fmtFlops = (v: number) => v.toExponential(0).replace('e+', 'e');

/** The samples-by-budget montage inside a report folder. */
export const MONTAGE_FILE = path.join(PLOTS_DIR, 'samples-by-budget.png');

/**
 * Writes summary.csv, paradigms.csv, comparisons.csv, winners.csv,
 * hypothesis.csv, the figures (Vega-Lite
 * spec, SVG, PNG), the samples-by-budget montage, REPORT.md and the
 * self-contained REPORT.html from DIR/runs.csv (and DIR/curves, DIR/grids).
 */
export async function renderReport(dir: string): Promise<ReportFiles> {
  const runsFile = path.join(dir, 'runs.csv');
  if (!existsSync(runsFile)) throw new UsageError(`${runsFile}: not found; run \`pnpm study --out ${dir}\` first`);
  // only rows comparable with each other: the study's dataset, evaluator and samples per FD
  const comparable = comparableRows(readRunRows(runsFile), studySetting(dir));
  const rows = comparable.rows;
  const verdicts = studyVerdicts(rows);
  const { summary, paradigms, comparisons, winners, hypothesis } = verdicts;
  writeCsvAtomic(path.join(dir, 'summary.csv'), SUMMARY_COLUMNS, summary as unknown as Array<Record<string, unknown>>);
  writeCsvAtomic(path.join(dir, 'paradigms.csv'), PARADIGM_COLUMNS, paradigms as unknown as Array<Record<string, unknown>>);
  writeCsvAtomic(path.join(dir, 'comparisons.csv'), COMPARISONS_COLUMNS, comparisons as unknown as Array<Record<string, unknown>>);
  writeCsvAtomic(path.join(dir, 'winners.csv'), WINNER_COLUMNS, winners as unknown as Array<Record<string, unknown>>);
  writeCsvAtomic(path.join(dir, 'hypothesis.csv'), HYPOTHESIS_COLUMNS, hypothesis as unknown as Array<Record<string, unknown>>);
  const figures = await writeFigures(dir, rows, summary);
  const montage = samplesMontage(dir, summary, paradigmOf(rows));
  if (montage) writeFileAtomic(path.join(dir, MONTAGE_FILE), montage);
  const markdown = reportMarkdown(dir, comparable, verdicts, referenceLevels(rows), figures);
  writeFileAtomic(path.join(dir, 'REPORT.md'), markdown);
  writeFileAtomic(path.join(dir, 'REPORT.html'), reportHtml(markdown, dir, markdown.split('\n')[0].replace(/^# /, '')));
  return verdicts;
}

function answerSentence(winners: WinnerRow[]): string {
  if (winners.length === 0) return 'No finished runs yet.';
  const parts = winners.map((w) => {
    const at = `at ${fmtFlops(w.budget_flops)} FLOPs`;
    const rule =
      w.fd_rule === w.best_mean
        ? `${w.best_mean} is separated from every rival`
        : `${w.best_mean} has the best mean FD (${fmt(w.best_mean_fd)}) but is not separated from every rival`;
    const disagreement = w.fd_vs_class.startsWith('disagree')
      ? `; FD and the classifier score disagree on the best mean (${w.fd_vs_class.replace(/^disagree \((.*)\)$/, '$1')})`
      : '';
    const unjudged = w.not_judged ? `; not judged, too few samples: ${w.not_judged}` : '';
    return w.verdict === w.fd_rule
      ? `${at} **${w.verdict === w.best_mean ? `${w.verdict} wins` : w.verdict}** (${rule}${disagreement}${unjudged})`
      : `${at} **${w.verdict}**: ${rule}${disagreement}${unjudged}`;
  });
  return `${parts.join('; ')}.`;
}

function hypothesisSentence(hypothesis: HypothesisRow[]): string {
  if (hypothesis.length === 0)
    return 'Not tested here: the hypothesis needs vae, hvae and pcvae rows at a common budget (the standard preset has them).';
  const verdicts = hypothesis.map(
    (h) =>
      `at ${fmtFlops(h.budget_flops)} FLOPs **${h.verdict}** (diffusion − VAE family FD ${fmtInterval(h.diffusion_minus_vae_family, h.diffusion_minus_vae_family_low, h.diffusion_minus_vae_family_high)}: premise ${h.premise}; pcvae − hvae ${fmtInterval(h.pcvae_minus_hvae, h.pcvae_minus_hvae_low, h.pcvae_minus_hvae_high)}; pcvae prediction-error ratio ${fmt(h.pcvae_prediction_error_ratio, 2)})`,
  );
  return `${verdicts.join('; ')}.`;
}

/** "1000 generated images per FD (pixelcnn 300)": the most common count, and each variant scored on another. */
function samplesPerFd(rows: CsvRow[]): string {
  const scored = rows.filter((r) => r.paradigm !== 'reference' && r.fd !== '' && r.fd !== undefined);
  const counts = new Map<string, number>();
  for (const r of scored) counts.set(r.eval_samples, (counts.get(r.eval_samples) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (usual === undefined) return 'no generated images scored yet';
  const others = [...new Set(scored.filter((r) => r.eval_samples !== usual).map((r) => `${r.variant} ${r.eval_samples}`))];
  return `${usual} generated images per FD${others.length ? ` (${others.join(', ')})` : ''}`;
}

function learnedNothingSentence(winners: WinnerRow[], references: ReferenceLevel[]): string {
  const meanImage = references.find((r) => r.variant === 'mean-image');
  if (!meanImage || !Number.isFinite(meanImage.fd)) return 'No mean-image reference row: which models learned anything is not measured.';
  const parts = winners.map(
    (w) => `${fmtFlops(w.budget_flops)}: ${w.not_above_mean_image === '' ? 'none' : w.not_above_mean_image.split(' ').join(', ')}`,
  );
  return `Paradigms whose FD interval does not lie below the mean-image row (FD ${fmt(meanImage.fd)}, every sample the data mean: they have not learned more than the mean yet), per budget: ${parts.join('; ')}.`;
}

function sampleSizeSentence(winners: WinnerRow[]): string {
  const n = Math.min(...winners.map((w) => w.eval_samples));
  if (!Number.isFinite(n)) return '';
  const enough = n >= MIN_VERDICT_SAMPLES;
  return `FD and KID use ${n} generated images against ${n} training images in the evaluator's 128-d feature space. FD's bias grows roughly like d/n (d = 128 features), so at this n it inflates every FD, real data included; compare models with each other and with the reference rows measured at the same n, not with FDs from other papers. ${enough ? `Verdicts need at least ${MIN_VERDICT_SAMPLES} samples per FD; this report has them.` : `**This report has fewer than ${MIN_VERDICT_SAMPLES} samples per FD, so it issues no verdict**: the columns \`fd_rule\` and \`rule\` show what the rules would say, for checking the pipeline only.`}`;
}

/** Which terms dominate each named bound (DDPM), from bpd_terms at the largest budget. */
function boundTermsLines(rows: CsvRow[]): string[] {
  const withTerms = latestRuns(rows).filter((r) => r.bpd_terms);
  if (withTerms.length === 0) return [];
  const largest = Math.max(...withTerms.map((r) => num(r.budget_flops)));
  const lines = ['## Likelihood bound terms', ''];
  for (const variant of [...new Set(withTerms.map((r) => r.variant))]) {
    const own = withTerms.filter((r) => r.variant === variant && num(r.budget_flops) === largest);
    const sums = new Map<string, number>();
    for (const r of own)
      for (const [k, v] of Object.entries(JSON.parse(r.bpd_terms) as Record<string, number>))
        sums.set(k, (sums.get(k) ?? 0) + v / own.length);
    const ranked = [...sums].sort((a, b) => b[1] - a[1]);
    const total = ranked.reduce((a, [, v]) => a + v, 0);
    lines.push(
      `${variant} at ${fmtFlops(largest)} FLOPs (held-out bits/dim, mean over ${own.length} rows): ${ranked.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}; total ${fmt(total)}. The largest term is **${ranked[0][0]}** (${fmt((100 * ranked[0][1]) / total, 2)}% of the bound). The prior and t = 1 terms are exact, t = T is always evaluated, and the middle terms are a stratified Monte Carlo estimate with fresh strata per evaluation (packages/diffusion/src/bound.ts).`,
      '',
    );
  }
  return lines;
}

/** Which rows the report used and which it left out, so a reader knows the numbers are comparable. */
function rowsUsedSentence({ rows, setting, leftOut }: ComparableRows): string {
  if (!setting) return 'Rows used: none (runs.csv is empty).';
  const others = [...leftOut].map(([label, n]) => `${n} with ${label}`).join('; ');
  return `Rows used: the ${rows.length} rows made with ${describeSetting(setting)} (dataset / evaluator / samples per FD)${others ? `; left out as not comparable: ${others}` : '; no rows with another setting'}.`;
}

function reportMarkdown(
  dir: string,
  comparable: ComparableRows,
  verdicts: StudyVerdicts,
  references: ReferenceLevel[],
  figures: Figure[],
): string {
  const { summary, paradigms, comparisons, winners, hypothesis } = verdicts;
  const rows = comparable.rows;
  const study = readStudyJson(dir) ?? {};
  const first = rows.find((r) => r.paradigm !== 'reference') ?? rows[0] ?? {};
  const statusCounts = RUN_STATUSES.map((s) => `${rows.filter((r) => r.paradigm !== 'reference' && r.status === s).length} ${s}`).join(
    ', ',
  );
  const lines: string[] = [];
  lines.push(`# curtain report: ${study.preset?.name ?? path.basename(dir)} preset on ${first.dataset ?? '?'}`);
  lines.push('');
  lines.push(rowsUsedSentence(comparable));
  lines.push('');
  const unfinished = coverageSentence(study.preset, rows, `pnpm reports --preset ${study.preset?.name ?? '<preset>'}`);
  if (unfinished) lines.push(unfinished, '');
  const wall = describeSessions(sessionsOf(study), rows.length);
  if (study.preset?.description || wall) {
    lines.push([study.preset?.description ? `Preset: ${study.preset.description}.` : '', wall ?? ''].filter(Boolean).join(' '));
    lines.push('');
  }
  lines.push(
    `Generated from \`runs.csv\` (${rows.length} rows: ${statusCounts}; plus reference rows). Backend **${first.backend ?? '?'}** (${first.blas ?? '?'}, ${first.threads ?? '?'} thread${first.threads === '1' ? '' : 's'}) on ${first.host_cpu ?? '?'}, ${first.host_cores ?? '?'} cores; tfjs ${first.tfjs_version ?? '?'}, Node ${first.node_version ?? '?'}. Evaluator \`${first.evaluator_id ?? '?'}\`, ${samplesPerFd(rows)}. Protocol: nested budgets (one run per size and seed, constant learning rate, evaluated as it passes each budget). Each variant and each paradigm is represented per budget by the size (and sampler) with the lowest FD on **selection data** (the preset's selection seeds, separate training runs that no reported number uses; folders without them fall back to cross-fitting, each seed's choice made on the other seeds); intervals are 95% Student-t over the reported seeds, paired where two entries share seeds.`,
  );
  lines.push('');
  lines.push('## The answer');
  lines.push('');
  lines.push(
    `Which paradigm (gan, vae family, autoregressive, flow, diffusion) makes the best images (lowest FD) under a fixed training budget? A paradigm wins only where the 95% interval of its FD difference to **every** other paradigm lies below zero (all pairs in \`comparisons.csv\`): ${answerSentence(winners)}`,
  );
  lines.push('');
  lines.push(`Does diffusion overtake the VAE family, and where? ${diffusionCrossover(comparisons).sentence}`);
  lines.push('');
  lines.push(`Does predictive coding explain why diffusion beats VAEs? ${hypothesisSentence(hypothesis)}`);
  lines.push('');
  lines.push(`What it costs to sample: ${samplingCostSentence(summary)}`);
  lines.push('');
  lines.push(
    references.length > 0
      ? `Reference points at the same sample size (FD): ${references.map((r) => `${r.label} ${fmt(r.fd)}`).join(', ')}.`
      : 'No reference rows (real data, mean image, noise) in runs.csv.',
  );
  lines.push('');
  lines.push(learnedNothingSentence(winners, references));
  lines.push('');
  lines.push(sampleSizeSentence(winners));
  lines.push('');
  lines.push('A self-contained HTML version of this report, with the figures inline: [REPORT.html](REPORT.html).');
  lines.push('');
  lines.push('## Winners per budget');
  lines.push('');
  lines.push(
    `\`fd_rule\`: the interval rule on FD; \`classifier\`: the same rule on the classifier score (higher is better); \`verdict\`: the FD rule where the sample size allows one. \`not judged\`: paradigms scored on fewer than ${MIN_VERDICT_SAMPLES} samples, left out of the rule (fewer samples inflate FD): one can block a winner whose mean FD it still beats, but cannot win.`,
  );
  lines.push('');
  lines.push(
    '| budget (FLOPs) | paradigms | best mean | FD | fd_rule | classifier | FD vs classifier | below mean image? no: | not judged | verdict |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const w of winners)
    lines.push(
      `| ${fmtFlops(w.budget_flops)} | ${w.paradigms} | ${w.best_mean} | ${fmt(w.best_mean_fd)} | ${w.fd_rule} | ${w.class_rule} | ${w.fd_vs_class} | ${w.not_above_mean_image || '–'} | ${w.not_judged || '–'} | ${w.verdict} |`,
    );
  lines.push('');
  lines.push('## Paradigm representatives');
  lines.push('');
  lines.push('`at edge`: the chosen size is the smallest or largest tried (the best size may lie outside the grid) or the only one.');
  lines.push('');
  lines.push('| budget | paradigm | representative | chosen on | at edge | seeds | FD [95%] | confident | class score | train FLOPs |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const p of paradigms as ParadigmRow[])
    lines.push(
      `| ${fmtFlops(p.budget_flops)} | ${p.paradigm} | ${p.representative} | ${p.selected_on} | ${p.size_at_edge} | ${p.seeds} | ${fmtInterval(p.fd_mean, p.fd_low, p.fd_high)} | ${fmt(p.class_confident_mean, 2)} | ${fmt(p.class_score_mean)} | ${Number.isFinite(p.train_flops_mean) ? p.train_flops_mean.toExponential(2) : '–'} |`,
    );
  lines.push('');
  lines.push(`Pairwise FD differences (a − b, 95%): ${comparisons.filter((c) => c.metric === 'fd').length} rows in \`comparisons.csv\`.`);
  lines.push('');
  lines.push('## Predictive-coding hypothesis');
  lines.push('');
  lines.push(
    'Treatment `pcvae` (latents code the residual of each level against the prediction from the level above), control `hvae` (same hierarchy and objective, no residual coding), baseline `vae`, target: the diffusion paradigm. The premise (diffusion beats the VAE family: the interval of diffusion − VAE family FD below zero) must hold, and pcvae must really code prediction errors (held-out `prediction_error_ratio` < 0.5), before a verdict: supported when pcvae beats both hvae and vae with 95% intervals below zero; refuted when pcvae − hvae lies wholly above zero; else inconclusive. `rule` shows that outcome even where a gate withholds it.',
  );
  lines.push('');
  if (hypothesis.length === 0) lines.push(hypothesisSentence(hypothesis));
  else {
    lines.push(
      '| budget | vae | hvae | pcvae | diffusion − VAE family [95%] | premise | pcvae − hvae [95%] | pcvae − vae [95%] | ratio hvae / pcvae | gap closed | rule | verdict |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  }
  for (const h of hypothesis) {
    lines.push(
      `| ${fmtFlops(h.budget_flops)} | ${fmt(h.vae_fd)} | ${fmt(h.hvae_fd)} | ${fmt(h.pcvae_fd)} | ${fmtInterval(h.diffusion_minus_vae_family, h.diffusion_minus_vae_family_low, h.diffusion_minus_vae_family_high)} | ${h.premise} | ${fmtInterval(h.pcvae_minus_hvae, h.pcvae_minus_hvae_low, h.pcvae_minus_hvae_high)} | ${fmtInterval(h.pcvae_minus_vae, h.pcvae_minus_vae_low, h.pcvae_minus_vae_high)} | ${fmt(h.hvae_prediction_error_ratio, 2)} / ${fmt(h.pcvae_prediction_error_ratio, 2)} | ${fmt(h.gap_closed, 2)} | ${h.rule} | ${h.verdict} |`,
    );
  }
  lines.push('');
  lines.push(...boundTermsLines(rows));
  lines.push('## All variants');
  lines.push('');
  lines.push('FD, KID and bits/dim are means over seeds with 95% intervals; P/R are precision and recall (k = 3); cost is per sample.');
  lines.push('');
  lines.push(
    '| budget | variant | size (edge) | seeds | FD [95%] | KID | confident | class score | P | R | bits/dim | net evals | ms/sample | sample FLOPs | train s |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of summary) {
    const flags = [s.diverged ? `${s.diverged} diverged` : '', s.collapsed ? `${s.collapsed} collapsed` : ''].filter(Boolean).join(', ');
    lines.push(
      `| ${fmtFlops(s.budget_flops)} | ${s.entry} | ${s.best_size} (${s.size_at_edge}) | ${s.seeds}${flags ? ` (${flags})` : ''} | ${fmtInterval(s.fd_mean, s.fd_low, s.fd_high)} | ${fmt(s.kid_mean)} | ${fmt(s.class_confident_mean, 2)} | ${fmt(s.class_score_mean)} | ${fmt(s.precision_mean, 2)} | ${fmt(s.recall_mean, 2)} | ${Number.isFinite(s.bpd_mean) ? `${fmt(s.bpd_mean)} (${s.bpd_kind})` : '–'} | ${fmt(s.network_evals)} | ${fmt(s.sample_ms_mean)} | ${Number.isFinite(s.sample_flops) ? s.sample_flops.toExponential(1) : '–'} | ${fmt(s.train_seconds_mean)} |`,
    );
  }
  lines.push('');
  lines.push('## Figures');
  lines.push('');
  lines.push(
    'Each figure is a Vega-Lite spec with its data inline (`plots/NAME.vl.json`; restyle it and render it with any Vega-Lite tool) beside its SVG and PNG.',
  );
  for (const figure of figures) {
    lines.push('');
    lines.push(`![${figure.spec.title.text}](${PLOTS_DIR}/${figure.name}.png)`);
  }
  lines.push('');
  if (existsSync(path.join(dir, MONTAGE_FILE))) {
    lines.push('## Samples by budget');
    lines.push('');
    lines.push(
      "Real held-out digits, then each paradigm's representative entry (lowest FD at the largest budget) at every budget: the top-left images of each sample grid.",
    );
    lines.push('');
    lines.push(`![samples by training budget](${MONTAGE_FILE})`);
    lines.push('');
  }
  const grids = summary.filter((s) => existsSync(path.join(dir, gridPath(s))));
  if (grids.length > 0) {
    lines.push('## Sample grids (first seed, best size)');
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
    '`runs.csv` (one row per run, every parameter and the host fingerprint), `summary.csv`, `paradigms.csv`, `comparisons.csv`, `winners.csv`, `hypothesis.csv`, `plots/*.vl.json|svg|png` (figures and montage), `curves/*.csv` (training curves per job), `grids/*.png`, `REPORT.html`. Regenerate with `pnpm reports --preset ' +
      (study.preset?.name ?? 'quick') +
      '`.',
  );
  lines.push('');
  return lines.join('\n');
}

/** The benchmark CSVs of DIR/bench (engine, train, sample) as Markdown tables, where present. */
function benchmarkTables(dir: string): string[] {
  const tables: Array<{ suite: BenchSuiteName; title: string; ratio: string; columns: Array<[BenchColumn, string]> }> = [
    {
      suite: 'engine',
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
      suite: 'train',
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
      suite: 'sample',
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
    const file = path.join(dir, 'bench', `${table.suite}.csv`);
    if (!existsSync(file)) continue;
    const rows = readCsv(file);
    if (rows.length === 0) continue;
    const cell = (value: string | undefined) => {
      const n = num(value);
      return value === undefined || value === '' ? '–' : Number.isFinite(n) ? fmt(n) : value;
    };
    lines.push(`## ${table.title}`, '', `From \`bench/${table.suite}.csv\` (same host, same run; ratio: ${table.ratio}).`, '');
    lines.push(`| ${table.columns.map(([, label]) => label).join(' | ')} |`);
    lines.push(`|${table.columns.map(() => '---').join('|')}|`);
    for (const row of rows) lines.push(`| ${table.columns.map(([key]) => cell(row[key])).join(' | ')} |`);
    lines.push('');
  }
  return lines;
}
