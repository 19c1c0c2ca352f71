#!/usr/bin/env zx
// pnpm compare DIR_A DIR_B [--out FILE]: speed ratios per benchmark (B/A), FD
// differences per variant and budget with 95% intervals (B - A), and whether
// the winners agree. Prints a table and writes a CSV (default DIR_B/compare.csv).
import path from 'node:path';
import { UsageError } from '@curtain/core';
import { COMPARISON_COLUMNS, compareReports, comparisonTable, parseCommand, writeCsvAtomic } from '@curtain/study';
import { runCli } from './lib/cli.mjs';

const COMMAND = {
  name: 'pnpm compare',
  positionals: 'DIR_A DIR_B',
  summary:
    'Compares two report folders (e.g. two machines or backends): benchmark speed ratios (B/A), FD differences per variant and budget with 95% intervals (B - A), and whether the winners agree.',
  flags: {
    out: { type: 'string', value: 'FILE', defaultText: 'DIR_B/compare.csv', description: 'where to write the comparison CSV' },
  },
  examples: ['pnpm compare reports/quick /tmp/other-machine', 'pnpm compare reports/quick /tmp/gpu --out /tmp/quick-vs-gpu.csv'],
};

await runCli(async () => {
  const { values, positionals } = parseCommand(COMMAND, process.argv.slice(2));
  if (positionals.length !== 2) {
    throw new UsageError(`pnpm compare: expected two folders DIR_A DIR_B, got ${positionals.length} (see pnpm compare --help)`);
  }
  const rows = compareReports(positionals[0], positionals[1]);
  console.log(comparisonTable(rows));
  const file = values.out ?? path.join(positionals[1], 'compare.csv');
  writeCsvAtomic(file, COMPARISON_COLUMNS, rows);
  console.log(`\nwritten: ${file}`);
});
