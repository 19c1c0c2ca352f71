#!/usr/bin/env zx
// pnpm merge DIR_OUT DIR_SHARD... : unites shard folders into DIR_OUT (idempotent)
// and renders its report.
import { mergeStudies, renderReport } from '@curtain/study';
import { runCli } from './lib/cli.mjs';

await runCli(async () => {
  const [outDir, ...inputs] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!outDir || inputs.length === 0) {
    throw Object.assign(new Error('usage: pnpm merge DIR_OUT SHARD_DIR [SHARD_DIR...]'), { name: 'UsageError' });
  }
  const { rows, duplicates } = mergeStudies(outDir, inputs);
  console.log(`merged ${inputs.length} folder(s) into ${outDir}: ${rows} rows (${duplicates} duplicates dropped)`);
  renderReport(outDir);
  console.log(`report: ${outDir}/REPORT.md`);
});
