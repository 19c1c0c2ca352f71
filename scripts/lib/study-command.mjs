import path from 'node:path';
import { metricsJudge, parseStudyArgs, renderReport, runStudy } from '@curtain/study';
import { PARADIGMS, requestedBackend, selectBackend } from '@curtain/zoo';
import { $ } from 'zx';

/** `pnpm study` and `pnpm reports` share this; reports also runs the preset's benchmarks. */
export async function studyCommand(argv, { bench }) {
  const args = parseStudyArgs(argv, bench ? 'reports' : 'study');
  const log = (line) => process.stderr.write(`${line}\n`);
  if (args.renderOnly) {
    await renderReport(args.outDir);
    log(`report: ${path.join(args.outDir, 'REPORT.md')}`);
    return;
  }
  const backend = await selectBackend(args.backend ?? requestedBackend([], process.env), { log });
  const started = Date.now();
  await runStudy({
    preset: args.preset,
    outDir: args.outDir,
    dataset: args.dataset,
    dataDir: args.dataDir,
    backend,
    registry: PARADIGMS,
    makeJudge: metricsJudge,
    shard: args.shard,
    dryRun: args.dryRun,
    log,
  });
  if (args.dryRun) return;
  if (bench && args.preset.benchSuites.length > 0 && (!args.shard || args.shard.index === 1)) {
    const suites = args.preset.benchSuites.join(',');
    log(`benchmarks: ${suites}`);
    $.verbose = true;
    // every backend: the benchmark's point is the comparison (stock cpu, wasm, native, PyTorch)
    await $`tsx ${path.join(import.meta.dirname, '..', 'bench.mjs')} --suite ${suites} --out ${path.join(args.outDir, 'bench')}`;
  }
  await renderReport(args.outDir);
  log(`report: ${path.join(args.outDir, 'REPORT.md')} (${((Date.now() - started) / 60000).toFixed(1)} min)`);
}
