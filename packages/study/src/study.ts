import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BackendInfo, hostFingerprint, readEveryFor, UsageError, writeFileAtomic } from '@curtain/core';
import { type Dataset, loadDataset, sampleImages } from '@curtain/data';
import { REFERENCE_NOTES, REFERENCE_VARIANTS, referenceImages } from '@curtain/metrics';
import type { Registry } from '@curtain/zoo';
import type { RunRow } from './columns.ts';
import { readStudyJson } from './comparable.ts';
import { claimJob, releaseJob, withFolderLock } from './folder-lock.ts';
import { REAL_GRID } from './grid-path.ts';
import { type Quality, type QualityJudge, qualityColumns, seedFromKey } from './judge.ts';
import { inShard, type Job, machineKey, type PlanContext, PROTOCOL, planJobs, referenceKey, type Shard } from './plan.ts';
import type { Preset } from './presets.ts';
import { formatDuration, Progress } from './progress.ts';
import { budgetSteps, type JobEnvironment, jobRunKeys, measureStepFlops, plannedSamplingFlops, runJob } from './run-job.ts';
import { appendRuns, ensureRunsFile, readRunRows } from './runs-file.ts';
import { writeSampleGrid } from './sample-grid.ts';
import { sessionsOf } from './study-sessions.ts';

export interface StudyOptions {
  preset: Preset;
  outDir: string;
  dataset: string;
  dataDir?: string;
  backend: BackendInfo;
  registry: Registry;
  makeJudge(dataset: Dataset, preset: Preset): Promise<QualityJudge> | QualityJudge;
  shard?: Shard;
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Seconds of training between resumable checkpoints of a job (default 300; one is also written at each budget). */
  checkpointSeconds?: number;
  /** Worker processes the study runs in (the dry run's wall-time estimate divides by it). */
  workers?: number;
  /** Keep finished jobs' checkpoints (--keep-checkpoints). */
  keepCheckpoints?: boolean;
  /** Called after each checkpoint (tests stop a job there to resume it). */
  onCheckpoint?: JobEnvironment['onCheckpoint'];
  /**
   * Where progress goes instead of this process's bar (a worker reports to
   * its parent's bar, and then counts only the jobs it trains itself).
   */
  progress?: ProgressSink;
  /** Compute the reference rows (data, noise); default: unless this is shard 2 or later. */
  references?: boolean;
  /** How often to look again at jobs another study or worker is training (ms). */
  pollMs?: number;
  /** Load a dataset (tests inject a small synthetic one). */
  loadData?: (name: string, dataDir?: string) => Dataset;
  /** Read training statistics back every this many steps (default: readEveryFor the backend; see JobEnvironment.readEvery). */
  readEvery?: number;
}

export const RUNS_FILE = 'runs.csv';

/** A progress bar, or a worker's channel to its parent's bar. */
export interface ProgressSink {
  begin?(total: number): void;
  advance(amount: number, label: string): void;
  finish?(): void;
}

/** Checks DIR can be created and written before any work starts. */
export function ensureWritableDir(dir: string, flag = '--out'): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new UsageError(`${flag} ${dir}: not a writable directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Runs (or resumes) the study grid into outDir/runs.csv. Rows already present
 * (by run_key) are skipped, so a killed study rerun ends complete with no
 * duplicate and no lost row.
 */
export async function runStudy(opts: StudyOptions): Promise<{ jobs: number; written: number }> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { preset } = opts;
  ensureWritableDir(opts.outDir);
  const dataset = (opts.loadData ?? ((name, dir) => loadDataset(name, { dataDir: dir })))(opts.dataset, opts.dataDir);
  const judge = await opts.makeJudge(dataset, preset);
  const host = hostFingerprint(opts.backend);
  const context: PlanContext = { dataset: opts.dataset, evaluatorId: judge.evaluatorId, machine: machineKey(host) };
  const allJobs = planJobs(preset, opts.registry, context);
  const jobs = allJobs.filter((_, position) => inShard(position, opts.shard));
  const shardLabel = opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count})` : '';
  log(
    `study ${preset.name} on ${opts.dataset}${shardLabel}: ${jobs.length} training runs, budgets ${preset.budgets.map((b) => b.toExponential(0)).join(', ')} FLOPs, ${preset.seeds.length} seeds`,
  );

  if (opts.dryRun) {
    await printPlan(jobs, dataset, preset, opts.workers ?? 1, log);
    return { jobs: jobs.length, written: 0 };
  }

  const runsFile = path.join(opts.outDir, RUNS_FILE);
  const doneKeys = new Set<string>();
  /** Re-reads the keys in runs.csv (other studies and workers append to it too). */
  const refreshDone = () => {
    for (const row of readRunRows(runsFile)) doneKeys.add(row.run_key);
  };
  refreshDone();
  writeFileAtomic(
    path.join(opts.outDir, 'study.json'),
    JSON.stringify(
      {
        preset,
        dataset: opts.dataset,
        source: dataset.source,
        evaluatorId: judge.evaluatorId,
        host,
        protocol: PROTOCOL,
        sessions: sessionsOf(readStudyJson(opts.outDir) ?? {}),
      },
      null,
      2,
    ),
  );
  let written = 0;
  // under the folder lock: re-read the done keys, append only rows nobody wrote meanwhile
  const appendRows = (rows: RunRow[]) =>
    withFolderLock(opts.outDir, () => {
      refreshDone();
      const fresh = rows.filter((row) => !doneKeys.has(String(row.run_key)));
      appendRuns(runsFile, fresh, log);
      for (const row of fresh) doneKeys.add(String(row.run_key));
      written += fresh.length;
    });

  withFolderLock(opts.outDir, () => ensureRunsFile(runsFile));
  if (opts.references ?? (!opts.shard || opts.shard.index === 1)) {
    appendRows(await referenceRows(preset, context, dataset, judge, host, doneKeys));
    await writeRealGrid(path.join(opts.outDir, REAL_GRID), dataset, preset.seeds[0]);
  }

  const isDone = (job: Job) => jobRunKeys(job, preset, context).every((key) => doneKeys.has(key));
  const pending = jobs.filter((job) => !isDone(job));
  const estimates = await estimateJobs(pending, dataset, preset);
  const work = new Map([...estimates].map(([key, e]) => [key, e.trainFlops + e.samplingFlops]));
  const seconds = (job: Job) => {
    const e = estimates.get(job.jobKey);
    return e ? e.trainSeconds + e.samplingSeconds : 0;
  };
  const totalWork = [...work.values()].reduce((a, b) => a + b, 0);
  const progress: ProgressSink = opts.progress ?? new Progress(totalWork, 'of estimated work (training + sampling FLOPs)');
  progress.begin?.(totalWork);
  const firstSeed = preset.seeds[0];
  // longest (in estimated time) first, so the last job to finish is a short one
  let queue = [...pending].sort((a, b) => seconds(b) - seconds(a));
  while (queue.length > 0) {
    const elsewhere: Job[] = [];
    for (const job of queue) {
      let advanced = 0;
      const advance = (flops: number, label: string) => {
        const step = Math.min(flops, Math.max(0, (work.get(job.jobKey) ?? 0) - advanced));
        advanced += step;
        progress.advance(step, label);
      };
      // claim the job under the lock, after re-reading what is done: another study or worker may hold or have finished it
      const claim = withFolderLock(opts.outDir, () => {
        refreshDone();
        if (isDone(job)) return 'done';
        return claimJob(opts.outDir, job.jobKey) ? 'elsewhere' : 'mine';
      });
      if (claim === 'elsewhere') {
        elsewhere.push(job);
        continue;
      }
      if (claim === 'done') {
        if (!opts.progress) advance(Number.POSITIVE_INFINITY, `${job.variant}/${job.size} seed ${job.seed} done elsewhere`);
        continue;
      }
      const before = performance.now();
      try {
        await runJob(
          job,
          {
            dataset,
            preset,
            context,
            judge,
            host,
            backend: opts.backend,
            outDir: opts.outDir,
            doneKeys,
            appendRows,
            onTrained: advance,
            onEvaluated: advance,
            log: (line) => log(line),
            writeGrids: job.seed === firstSeed,
            checkpointSeconds: opts.checkpointSeconds ?? 300,
            keepCheckpoints: opts.keepCheckpoints ?? false,
            onCheckpoint: opts.onCheckpoint,
            readEvery: opts.readEvery ?? readEveryFor(opts.backend),
          },
          job.size === Object.keys(job.entry.sizes)[0],
        );
      } finally {
        releaseJob(opts.outDir, job.jobKey);
      }
      // a job that stopped early (diverged, budgets below one step) still counts as done
      advance(
        Number.POSITIVE_INFINITY,
        `${job.variant}/${job.size} seed ${job.seed} done in ${formatDuration((performance.now() - before) / 1000)}`,
      );
    }
    // jobs another study or worker is training: wait for them (a dead holder's claim is taken over)
    queue = elsewhere;
    if (queue.length > 0) await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 1000));
  }
  progress.finish?.();
  return { jobs: jobs.length, written };
}

/** Real held-out images as a sample grid: the reference row of the report's montage. */
async function writeRealGrid(file: string, dataset: Dataset, seed: number): Promise<void> {
  const images = sampleImages(dataset.heldOut, Math.min(64, dataset.heldOut.count), seed);
  try {
    await writeSampleGrid(file, images);
  } finally {
    images.dispose();
  }
}

async function referenceRows(
  preset: Preset,
  context: PlanContext,
  dataset: Dataset,
  judge: QualityJudge,
  host: ReturnType<typeof hostFingerprint>,
  doneKeys: Set<string>,
): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  const n = Math.min(preset.evalSamples, dataset.heldOut.count);
  for (const variant of REFERENCE_VARIANTS) {
    for (const seed of preset.seeds) {
      const key = referenceKey(variant, seed, preset, context);
      if (doneKeys.has(key)) continue;
      const images = referenceImages(variant, dataset, n, seed);
      let quality: Quality;
      try {
        quality = await judge.judge(images, seedFromKey(key));
      } finally {
        images.dispose();
      }
      rows.push({
        run_key: key,
        job_key: '',
        paradigm: 'reference',
        variant,
        sampler: '',
        size: '',
        seed,
        split: 'report',
        budget_flops: '',
        flops_per_step: '',
        steps: '',
        train_flops: '',
        train_seconds: '',
        status: 'ok',
        ...qualityColumns(quality),
        bpd: '',
        bpd_kind: '',
        bpd_terms: '',
        prediction_error_ratio: '',
        network_evals: '',
        sample_flops: '',
        sample_ms: '',
        eval_samples: n,
        evaluator_id: context.evaluatorId,
        dataset: context.dataset,
        protocol: PROTOCOL,
        params: '',
        config: '',
        note: REFERENCE_NOTES[variant],
        ...host,
        finished_at: new Date().toISOString(),
      });
    }
  }
  return rows;
}

async function printPlan(jobs: Job[], dataset: Dataset, preset: Preset, workers: number, log: (line: string) => void): Promise<void> {
  const estimates = await estimateJobs(jobs, dataset, preset);
  let trainSeconds = 0;
  let sampleSeconds = 0;
  let totalFlops = 0;
  log('variant   size  seeds  FLOPs/step   steps at each budget            est. train    est. sampling');
  for (const job of jobs) {
    const { flopsPerStep, steps, trainFlops, trainSeconds: jobTrain, samplingSeconds: jobSample } = estimates.get(job.jobKey)!;
    trainSeconds += jobTrain;
    sampleSeconds += jobSample;
    totalFlops += trainFlops;
    if (job.seed !== jobs.find((j) => j.variant === job.variant && j.size === job.size)?.seed) continue;
    const seeds = jobs.filter((j) => j.variant === job.variant && j.size === job.size).length;
    log(
      `${job.variant.padEnd(9)} ${job.size.padEnd(5)} ${String(seeds).padStart(5)}  ${flopsPerStep.toExponential(2).padStart(9)}   ${steps
        .map((s) => s.steps)
        .join(' / ')
        .padEnd(30)}  ${formatDuration(jobTrain * seeds).padEnd(12)}  ${formatDuration(jobSample * seeds)}`,
    );
  }
  const parallel = Math.max(1, Math.min(workers, jobs.length));
  log(
    `total: ${jobs.length} runs, ${totalFlops.toExponential(2)} training FLOPs, about ${formatDuration(trainSeconds)} of training and ${formatDuration(sampleSeconds)} of sampling in one process on this backend; with ${parallel} worker${parallel === 1 ? '' : 's'} about ${formatDuration((trainSeconds + sampleSeconds) / parallel)} of wall time (from one timed step per variant and size; a loaded machine takes longer)`,
  );
}

/** What a job is estimated to cost here, from one timed step of its variant and size. */
interface JobEstimate {
  flopsPerStep: number;
  /** Steps to each budget the job reaches. */
  steps: ReturnType<typeof budgetSteps>;
  trainFlops: number;
  samplingFlops: number;
  trainSeconds: number;
  samplingSeconds: number;
}

/**
 * Each job's estimated training and sampling FLOPs and seconds, from one
 * profiled step (and one counted sample per sampler) per variant and size.
 * Sampling is assumed to run at the training step's FLOP rate (forward passes
 * of the same network). Used by --dry-run, the progress bar (its ETA then
 * includes the 784-step PixelCNN and 200-step DDPM evaluations that can
 * outlast training) and the queue order (paradigms run at FLOP rates several
 * times apart, so longest first means in seconds, not FLOPs).
 */
async function estimateJobs(jobs: Job[], dataset: Dataset, preset: Preset): Promise<Map<string, JobEstimate>> {
  const measured = new Map<string, Awaited<ReturnType<typeof measureStepFlops>>>();
  const estimates = new Map<string, JobEstimate>();
  for (const job of jobs) {
    const id = `${job.variant}/${job.size}`;
    if (!measured.has(id)) measured.set(id, await measureStepFlops(job, dataset));
    const { flopsPerStep, stepMs, samplers } = measured.get(id)!;
    const steps = budgetSteps(job, Math.max(flopsPerStep, 1));
    const maxSteps = Math.max(0, ...steps.map((s) => s.steps));
    const samplingFlops = plannedSamplingFlops(preset, job.variant, samplers, steps.length);
    const secondsPerFlop = stepMs / 1000 / Math.max(flopsPerStep, 1);
    estimates.set(job.jobKey, {
      flopsPerStep,
      steps,
      trainFlops: maxSteps * flopsPerStep,
      samplingFlops,
      trainSeconds: (maxSteps * stepMs) / 1000,
      samplingSeconds: samplingFlops * secondsPerFlop,
    });
  }
  return estimates;
}
