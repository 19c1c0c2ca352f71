#!/usr/bin/env zx
// Checks the schema of a report folder (used by CI after `pnpm reports --preset smoke`):
// required files and columns, valid statuses and likelihood kinds, every
// preset variant present, no duplicate run keys.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ALL_VARIANTS, HYPOTHESIS_COLUMNS, RUN_COLUMNS, readCsv, SUMMARY_COLUMNS, WINNER_COLUMNS } from '@curtain/study';
import { runCli } from './lib/cli.mjs';

await runCli(async () => {
  const dir = process.argv[2];
  if (!dir) throw Object.assign(new Error('usage: check-reports.mjs DIR'), { name: 'UsageError' });
  const problems = [];
  const need = (cond, message) => cond || problems.push(message);
  for (const file of [
    'runs.csv',
    'summary.csv',
    'winners.csv',
    'hypothesis.csv',
    'REPORT.md',
    'plots/quality-vs-training-flops.svg',
    'plots/quality-vs-training-flops.png',
    'plots/quality-vs-sampling-cost.png',
  ]) {
    need(existsSync(path.join(dir, file)), `missing ${file}`);
  }
  const columnsOf = (file) => Object.keys(readCsv(path.join(dir, file))[0] ?? {});
  const checkColumns = (file, columns) => {
    const have = columnsOf(file);
    for (const c of columns) need(have.includes(c), `${file}: missing column ${c}`);
  };
  checkColumns('runs.csv', RUN_COLUMNS);
  checkColumns('summary.csv', SUMMARY_COLUMNS);
  checkColumns('winners.csv', WINNER_COLUMNS);
  checkColumns('hypothesis.csv', HYPOTHESIS_COLUMNS);
  const runs = readCsv(path.join(dir, 'runs.csv'));
  need(new Set(runs.map((r) => r.run_key)).size === runs.length, 'runs.csv: duplicate run keys');
  for (const r of runs) {
    need(['ok', 'diverged', 'collapsed'].includes(r.status), `runs.csv: bad status '${r.status}' in ${r.run_key}`);
    need(['', 'exact', 'bound'].includes(r.bpd_kind), `runs.csv: bad bpd_kind '${r.bpd_kind}' in ${r.run_key}`);
    // ok rows carry an FD, except expensive samplers' rows below the largest budget (say so in note)
    const unscored = /largest budget only/.test(r.note);
    if (r.status === 'ok' && !unscored) need(Number.isFinite(Number(r.fd)) && r.fd !== '', `runs.csv: ok row without FD: ${r.run_key}`);
  }
  for (const variant of [...ALL_VARIANTS, 'data', 'noise']) {
    need(
      runs.some((r) => r.variant === variant),
      `runs.csv: no rows for ${variant}`,
    );
  }
  const hypothesis = readCsv(path.join(dir, 'hypothesis.csv'));
  for (const h of hypothesis)
    need(['supported', 'refuted', 'inconclusive'].includes(h.verdict), `hypothesis.csv: bad verdict ${h.verdict}`);
  if (problems.length > 0) {
    console.error(`report schema check failed for ${dir}:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`report schema ok: ${dir} (${runs.length} rows, ${hypothesis.length} hypothesis rows)`);
});
