#!/usr/bin/env zx
// pnpm merge DIR_OUT DIR_SHARD... : unites shard folders into DIR_OUT (idempotent)
// and renders its report.
import { UsageError } from '@curtain/core';
import { mergeStudies, parseCommand, renderReport } from '@curtain/study';
import { runCli } from './lib/cli.mjs';

const COMMAND = {
  name: 'pnpm merge',
  positionals: 'DIR_OUT SHARD_DIR [SHARD_DIR...]',
  summary:
    'Unites the runs.csv of shard folders (pnpm study --shard i/n) into DIR_OUT, dropping duplicate run keys (idempotent), and renders its report.',
  flags: {},
  examples: ['pnpm merge reports/quick /tmp/shard-1 /tmp/shard-2'],
};

await runCli(async () => {
  const [outDir, ...inputs] = parseCommand(COMMAND, process.argv.slice(2)).positionals;
  if (!outDir || inputs.length === 0) {
    throw new UsageError('pnpm merge: expected DIR_OUT and at least one SHARD_DIR (see pnpm merge --help)');
  }
  const { rows, duplicates } = mergeStudies(outDir, inputs);
  console.log(`merged ${inputs.length} folder(s) into ${outDir}: ${rows} rows (${duplicates} duplicates dropped)`);
  await renderReport(outDir);
  console.log(`report: ${outDir}/REPORT.md`);
});
