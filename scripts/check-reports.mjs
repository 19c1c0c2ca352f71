#!/usr/bin/env zx
// Checks the schema of a report folder (used by CI after `pnpm reports --preset smoke`):
// required files (CSVs, REPORT.md and REPORT.html, every figure's Vega-Lite
// spec, SVG and PNG, the montage, training curves) and columns, valid statuses
// and likelihood kinds, every preset variant and reference row (data,
// mean-image, noise) present, no duplicate run keys, the pairwise comparisons
// and the verdict vocabulary. With --agree it also re-renders a copy of each
// folder from its own runs.csv (as `pnpm reports --render-only` would) and
// fails where a committed file differs from what the renderer writes now.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_STATUSES } from '@curtain/core';
import {
  COMPARISONS_COLUMNS,
  CURVES_DIR,
  coverage,
  HYPOTHESIS_COLUMNS,
  HYPOTHESIS_VERDICTS,
  MIN_VERDICT_SAMPLES,
  MONTAGE_FILE,
  PARADIGM_COLUMNS,
  PLOTS_DIR,
  REAL_GRID,
  REFERENCE_VARIANTS,
  REPORT_CSP,
  RUN_COLUMNS,
  readCsv,
  readRuns,
  readStudyJson,
  renderReport,
  SUMMARY_COLUMNS,
  WINNER_COLUMNS,
} from '@curtain/study';
import { VARIANTS } from '@curtain/zoo';
import { runCli } from './lib/cli.mjs';

/** Files under dir, relative, sorted. */
function filesUnder(dir, prefix = '') {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]))
    .sort();
}

/** Committed files the renderer would write differently (or not at all) from the folder's own runs.csv. */
async function disagreements(dir) {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'curtain-rerender-'));
  try {
    cpSync(dir, copy, { recursive: true });
    await renderReport(copy);
    const before = new Set(filesUnder(dir));
    const out = [];
    for (const file of filesUnder(copy)) {
      if (!before.has(file)) out.push(`${file}: written by --render-only but not committed`);
      else if (!readFileSync(path.join(copy, file)).equals(readFileSync(path.join(dir, file))))
        out.push(`${file}: differs from what --render-only writes from runs.csv`);
    }
    return out;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

await runCli(async () => {
  const args = process.argv.slice(2);
  const agree = args.includes('--agree');
  const dirs = args.filter((a) => a !== '--agree');
  if (dirs.length === 0) throw Object.assign(new Error('usage: check-reports.mjs [--agree] DIR...'), { name: 'UsageError' });
  let failed = false;
  for (const dir of dirs) {
    const problems = checkFolder(dir);
    if (agree) problems.push(...(await disagreements(dir)));
    if (problems.length > 0) {
      console.error(`report check failed for ${dir}:\n  ${problems.join('\n  ')}`);
      failed = true;
    } else console.log(`report ${agree ? 'schema ok and agrees with --render-only' : 'schema ok'}: ${dir}`);
  }
  if (failed) process.exit(1);
});

function checkFolder(dir) {
  const problems = [];
  const need = (cond, message) => cond || problems.push(message);
  for (const file of [
    'runs.csv',
    'summary.csv',
    'paradigms.csv',
    'comparisons.csv',
    'winners.csv',
    'hypothesis.csv',
    'REPORT.md',
    'REPORT.html',
    MONTAGE_FILE,
    REAL_GRID,
    ...['quality-vs-training-flops', 'quality-vs-sampling-cost', 'bpd-vs-training-flops', 'training-loss-curves'].flatMap((figure) =>
      ['vl.json', 'svg', 'png'].map((ext) => `${PLOTS_DIR}/${figure}.${ext}`),
    ),
  ]) {
    need(existsSync(path.join(dir, file)), `missing ${file}`);
  }
  const curves = existsSync(path.join(dir, CURVES_DIR)) ? readdirSync(path.join(dir, CURVES_DIR)).filter((f) => f.endsWith('.csv')) : [];
  need(curves.length > 0, `no training curves in ${CURVES_DIR}/`);
  for (const file of curves) {
    const lines = readCsv(path.join(dir, CURVES_DIR, file));
    const steps = lines.map((l) => Number(l.step));
    need(new Set(steps).size === steps.length, `${CURVES_DIR}/${file}: duplicate steps`);
    need(
      lines.every((l) => l.loss !== undefined && l.seconds !== undefined),
      `${CURVES_DIR}/${file}: missing loss or seconds column`,
    );
  }
  const html = existsSync(path.join(dir, 'REPORT.html')) ? readFileSync(path.join(dir, 'REPORT.html'), 'utf8') : '';
  need(!/src="https?:/i.test(html), 'REPORT.html: loads a network resource');
  need(html.includes(REPORT_CSP), 'REPORT.html: missing the Content-Security-Policy that forbids network loads');
  // the header line itself: a table with no rows (quick has no hypothesis rows) still has its columns
  const columnsOf = (file) => (readFileSync(path.join(dir, file), 'utf8').split('\n')[0] ?? '').trim().split(',');
  const checkColumns = (file, columns) => {
    const have = columnsOf(file);
    for (const c of columns) need(have.includes(c), `${file}: missing column ${c}`);
  };
  // runs.csv: the header must be RUN_COLUMNS (readRuns throws on any other, naming the line)
  const runsFile = readRuns(path.join(dir, 'runs.csv'));
  need(runsFile.schema === 'current', `runs.csv: schema ${runsFile.schema}, expected the current ${RUN_COLUMNS.length} columns`);
  checkColumns('summary.csv', SUMMARY_COLUMNS);
  checkColumns('paradigms.csv', PARADIGM_COLUMNS);
  checkColumns('comparisons.csv', COMPARISONS_COLUMNS);
  checkColumns('winners.csv', WINNER_COLUMNS);
  checkColumns('hypothesis.csv', HYPOTHESIS_COLUMNS);
  const runs = runsFile.rows;
  need(new Set(runs.map((r) => r.run_key)).size === runs.length, 'runs.csv: duplicate run keys');
  for (const r of runs) {
    need(RUN_STATUSES.includes(r.status), `runs.csv: bad status '${r.status}' in ${r.run_key}`);
    need(['', 'exact', 'bound'].includes(r.bpd_kind), `runs.csv: bad bpd_kind '${r.bpd_kind}' in ${r.run_key}`);
    need(['selection', 'report'].includes(r.split), `runs.csv: bad split '${r.split}' in ${r.run_key}`);
    if (r.paradigm !== 'reference' && r.status === 'ok') {
      need(Number(r.train_flops) > 0, `runs.csv: model row without train_flops: ${r.run_key}`);
    }
    if (r.fd !== '') {
      const confident = Number(r.class_confident);
      need(confident >= 0 && confident <= 1, `runs.csv: class_confident not in [0, 1]: ${r.run_key}`);
      need(Number(r.class_score) >= 1 - 1e-6, `runs.csv: class_score below 1: ${r.run_key}`);
    }
    // ok rows carry an FD, except expensive samplers' rows below the largest budget (say so in note)
    const unscored = /largest budget only/.test(r.note);
    if (r.status === 'ok' && !unscored) need(Number.isFinite(Number(r.fd)) && r.fd !== '', `runs.csv: ok row without FD: ${r.run_key}`);
  }
  // the variants of the folder's own preset (study.json), every variant where it does not say
  const variants = readStudyJson(dir)?.preset?.variants ?? VARIANTS;
  // an unfinished study may lack a variant's runs, only where its REPORT.md says it is unfinished
  const report = existsSync(path.join(dir, 'REPORT.md')) ? readFileSync(path.join(dir, 'REPORT.md'), 'utf8') : '';
  const declaredShort = new Set(
    coverage(readStudyJson(dir)?.preset ?? {}, runs)
      .filter((c) => c.have < c.planned)
      .map((c) => c.variant),
  );
  const unfinished = report.includes('**This study is unfinished**');
  for (const variant of [...variants, ...REFERENCE_VARIANTS]) {
    need(runs.some((r) => r.variant === variant) || (unfinished && declaredShort.has(variant)), `runs.csv: no rows for ${variant}`);
  }
  for (const c of readCsv(path.join(dir, 'comparisons.csv'))) {
    need(c.a !== c.b && ['fd', 'class_score'].includes(c.metric), `comparisons.csv: bad row ${JSON.stringify(c)}`);
    need(
      !(Number(c.low) > Number(c.diff)) && !(Number(c.diff) > Number(c.high)),
      `comparisons.csv: diff outside [low, high]: ${c.a} - ${c.b}`,
    );
  }
  const noVerdict = (v) => v.startsWith('no verdict');
  const hypothesis = readCsv(path.join(dir, 'hypothesis.csv'));
  for (const h of hypothesis)
    need(HYPOTHESIS_VERDICTS.includes(h.verdict) || noVerdict(h.verdict), `hypothesis.csv: bad verdict ${h.verdict}`);
  // a report below the verdict sample size (smoke) must not issue a verdict
  for (const w of readCsv(path.join(dir, 'winners.csv'))) {
    if (Number(w.eval_samples) < MIN_VERDICT_SAMPLES)
      need(noVerdict(w.verdict), `winners.csv: verdict '${w.verdict}' from ${w.eval_samples} samples`);
  }
  return problems;
}
