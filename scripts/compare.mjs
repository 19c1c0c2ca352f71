#!/usr/bin/env zx
import path from 'node:path';
// pnpm compare DIR_A DIR_B [--out FILE]: speed ratios per benchmark (B/A), FD
// differences per variant and budget with 95% intervals (B - A), and whether
// the winners agree. Prints a table and writes a CSV (default DIR_B/compare.csv).
import { COMPARISON_COLUMNS, compareReports, comparisonTable, writeCsvAtomic } from '@curtain/study';
import { runCli } from './lib/cli.mjs';

await runCli(async () => {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const dirs = args.filter((a, i) => !a.startsWith('--') && i !== outIndex + 1);
  if (dirs.length !== 2) throw Object.assign(new Error('usage: pnpm compare DIR_A DIR_B [--out FILE]'), { name: 'UsageError' });
  const rows = compareReports(dirs[0], dirs[1]);
  console.log(comparisonTable(rows));
  const file = out ?? path.join(dirs[1], 'compare.csv');
  writeCsvAtomic(file, COMPARISON_COLUMNS, rows);
  console.log(`\nwritten: ${file}`);
});
