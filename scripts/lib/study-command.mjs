import path from 'node:path';
import {
  checkFolder,
  ensureWritableDir,
  finishSession,
  metricsJudge,
  parseStudyArgs,
  renderReport,
  runStudy,
  runsCount,
  runWorkers,
  workerIdentity,
  workerProgress,
} from '@curtain/study';
import { PARADIGMS, requestedBackend, selectBackend } from '@curtain/zoo';
import { $ } from 'zx';

/** `pnpm study` and `pnpm reports` share this; reports also runs the preset's benchmarks. */
export async function studyCommand(argv, { bench }) {
  const args = parseStudyArgs(argv, bench ? 'reports' : 'study');
  const log = (line) => process.stderr.write(`${line}\n`);
  if (args.check) {
    const { problems, notes } = checkFolder(args.outDir);
    for (const note of notes) console.log(`  ${note}`);
    for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
    console.log(problems.length === 0 ? `${args.outDir}: healthy` : `${args.outDir}: ${problems.length} problem(s)`);
    if (problems.length > 0) process.exitCode = 1;
    return;
  }
  if (args.renderOnly) {
    await renderReport(args.outDir);
    log(`report: ${path.join(args.outDir, 'REPORT.md')}`);
    return;
  }
  const started = Date.now();
  const worker = workerIdentity();
  if (!worker && !args.dryRun) ensureWritableDir(args.outDir);
  const rowsBefore = worker || args.dryRun ? 0 : runsCount(args.outDir);
  if (!worker && !args.dryRun && args.workers > 1) {
    // the parent: N single-threaded study processes share the folder through its lock and job claims
    ensureWritableDir(args.outDir);
    const failures = await runWorkers({
      count: args.workers,
      command: [process.execPath, ...process.execArgv, process.argv[1], ...argv],
      log,
    });
    if (failures.length > 0) {
      for (const f of failures) log(`error: worker ${f.index} of ${args.workers} ${f.reason}`);
      log(
        `${failures.length} of ${args.workers} workers failed; every finished row is in ${path.join(args.outDir, 'runs.csv')}; rerun to resume`,
      );
      process.exitCode = 1;
      return;
    }
  } else {
    // one process (or one worker): single-threaded unless CURTAIN_THREADS says otherwise, so
    // `--workers 1` measures the same machine key (and run keys) as N workers
    process.env.CURTAIN_THREADS ??= '1';
    const backend = await selectBackend(args.backend ?? requestedBackend([], process.env), { log });
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
      workers: args.workers,
      keepCheckpoints: args.keepCheckpoints,
      progress: worker ? workerProgress() : undefined,
      references: worker ? worker.index === 1 && (!args.shard || args.shard.index === 1) : undefined,
      log,
    });
    if (args.dryRun || worker) return; // the parent renders the report once its workers are done
  }
  // the study's wall time (training and evaluation, all workers), kept in study.json across resumed sessions
  const session = finishSession(args.outDir, started, args.workers, rowsBefore);
  log(`study: ${(session.wall_seconds / 60).toFixed(1)} min, ${session.rows_written} rows written`);
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
