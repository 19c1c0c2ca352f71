import path from 'node:path';
import {
  type BackendInfo,
  countFlops,
  DivergedError,
  discardStep,
  finishStep,
  type GenerativeModel,
  type HostFingerprint,
  type RunStatus,
  type SamplerSetting,
  tf,
  trainSteps,
  UsageError,
} from '@curtain/core';
import { BatchStream, type Dataset, imagesToTensor } from '@curtain/data';
import { type JobProgress, jobCheckpointDir, removeCheckpoints, resumeModel, saveCheckpoint } from './checkpoint.ts';
import type { RunRow } from './columns.ts';
import { CURVES_DIR, CurveWriter, curveStride } from './curves.ts';
import { gridPath } from './grid-path.ts';
import { type QualityJudge, qualityColumns, seedFromKey } from './judge.ts';
import { type Job, type PlanContext, PROTOCOL, runKey } from './plan.ts';
import { evalSamplesOf, type Preset, scoredAtEveryBudget } from './presets.ts';
import { writeSampleGrid } from './sample-grid.ts';

export interface JobEnvironment {
  dataset: Dataset;
  preset: Preset;
  context: PlanContext;
  judge: QualityJudge;
  host: HostFingerprint;
  backend: BackendInfo;
  outDir: string;
  /** Keys already in runs.csv: those rows are not evaluated or written again. */
  doneKeys: Set<string>;
  /** Appends finished rows (whole lines) to runs.csv. */
  appendRows(rows: RunRow[]): void;
  /** Called with FLOPs trained since the last call, for the progress bar. */
  onTrained(flops: number, label: string): void;
  /** Called after scoring one sampler with its estimated sampling FLOPs, for the progress bar. */
  onEvaluated?(estimatedFlops: number, label: string): void;
  log(line: string): void;
  /** Write sample grids for this job (the study does it for the first seed). */
  writeGrids: boolean;
  /** Seconds of training between resumable checkpoints (besides one at each budget). */
  checkpointSeconds: number;
  /** Keep the checkpoints of finished jobs (and a weights snapshot per budget). */
  keepCheckpoints: boolean;
  /** Called after each checkpoint is written (tests stop a job here to resume it). */
  onCheckpoint?(progress: JobProgress): void;
  /**
   * Read training statistics back every this many steps (and always on the
   * last step of a budget). 1 on CPU backends, where reading costs nothing;
   * larger on a GPU, where each read waits for the device.
   */
  readEvery: number;
}

/** What one sampler of a job costs per image: network evaluations and counted FLOPs. */
export interface SamplerCost {
  label: string;
  networkEvals: number;
  flopsPerSample: number;
}

/** FLOPs and time of one training step of a fresh model of this job, and each sampler's cost per image (used by --dry-run too). */
export async function measureStepFlops(
  job: Job,
  dataset: Dataset,
): Promise<{ flopsPerStep: number; stepMs: number; samplers: SamplerCost[] }> {
  const model = createModel(job, dataset);
  const stream = new BatchStream(dataset.train, Number(job.config.batchSize), job.seed);
  try {
    const batch = stream.next();
    const counted = await countFlops(() => model.trainStep(batch));
    discardStep(counted.result);
    batch.dispose();
    const timed = stream.next();
    const start = performance.now();
    await finishStep(model, model.trainStep(timed), 2, true);
    const stepMs = performance.now() - start;
    timed.dispose();
    const samplers: SamplerCost[] = [];
    for (const sampler of job.samplers) {
      const options = { seed: 0, ...sampler.options };
      const sampled = await countFlops(async () => tf.dispose(await model.sample(1, options)));
      samplers.push({ label: sampler.label, networkEvals: model.sampleCost(options).networkEvals, flopsPerSample: sampled.total });
    }
    return { flopsPerStep: counted.total, stepMs, samplers };
  } finally {
    model.dispose();
  }
}

/**
 * FLOPs of all the sampling a job's evaluations will do: each sampler's
 * counted FLOPs per image times the images it is scored on, at every budget
 * the job reaches or at the largest only (scoredAtEveryBudget). Used for the
 * dry run and the progress bar's ETA, never for results.
 */
export function plannedSamplingFlops(preset: Preset, variant: string, samplers: readonly SamplerCost[], budgetsReached: number): number {
  return samplers.reduce((sum, s) => {
    const budgets = scoredAtEveryBudget(preset, s.networkEvals) ? budgetsReached : Math.min(1, budgetsReached);
    return sum + budgets * s.flopsPerSample * evalSamplesOf(preset, variant);
  }, 0);
}

function createModel(job: Job, dataset: Dataset): GenerativeModel {
  const shape = { height: dataset.train.height, width: dataset.train.width, channels: dataset.train.channels };
  return job.entry.create(job.config as never, shape, job.seed);
}

/** Every run key a job writes (one per budget and sampler). */
export function jobRunKeys(job: Job, preset: Preset, context: PlanContext): string[] {
  return job.budgets.flatMap((budget) => job.samplers.map((s) => runKey(job, budget, s, preset, context)));
}

/**
 * Budgets this job reaches, with the step count at which each is spent: the
 * nearest whole number of steps (so a budget loses or gains at most half a
 * step, not up to a whole one); rows record the FLOPs actually spent.
 */
export function budgetSteps(job: Job, flopsPerStep: number): Array<{ budget: number; steps: number }> {
  return job.budgets.map((budget) => ({ budget, steps: Math.round(budget / flopsPerStep) })).filter((b) => b.steps >= 1);
}

/**
 * Trains one job to its largest budget, evaluating and appending rows as it
 * passes each budget. A divergence ends training and fills the remaining
 * budgets with `diverged` rows; it never throws.
 */
export async function runJob(job: Job, env: JobEnvironment, isSmallestSize: boolean): Promise<void> {
  const { preset, context, dataset } = env;
  if (jobRunKeys(job, preset, context).every((key) => env.doneKeys.has(key))) return;

  const label = `${job.variant}/${job.size} seed ${job.seed}`;
  const { model, progress: resumed } = await resumeModel(env.outDir, job.jobKey, () => createModel(job, dataset), env.log);
  const stream = new BatchStream(dataset.train, Number(job.config.batchSize), job.seed);
  const params = model.variables().reduce((total, v) => total + v.size, 0);
  const sampleFlopsCache = new Map<string, number>();
  let trainSeconds = 0;
  let step = 0;
  let flopsPerStep = 0;
  let diverged: DivergedError | undefined;
  let lastCheckpoint = performance.now();
  const checkpoint = async () => {
    const progress: JobProgress = { step, trainSeconds, flopsPerStep, streamPosition: stream.position };
    await saveCheckpoint(env.outDir, job.jobKey, model, progress);
    lastCheckpoint = performance.now();
    env.onCheckpoint?.(progress);
  };

  try {
    if (resumed) {
      ({ step, trainSeconds, flopsPerStep } = resumed);
      stream.skip(resumed.streamPosition);
      env.log(`${label}: resuming from its checkpoint at step ${step}`);
    } else {
      const first = stream.next();
      const t0 = performance.now();
      try {
        const counted = await countFlops(() => model.trainStep(first));
        flopsPerStep = counted.total;
        await finishStep(model, counted.result, 1, true);
      } catch (error) {
        if (!(error instanceof DivergedError)) throw error;
        diverged = error;
      } finally {
        first.dispose();
      }
      trainSeconds += (performance.now() - t0) / 1000;
      step = 1;
    }
    const reachable = budgetSteps(job, Math.max(flopsPerStep, 1));
    const largestReachable = Math.max(...reachable.map((r) => r.budget));
    const smallest = Math.min(...job.budgets);
    if (!diverged && reachable.length === 0 && isSmallestSize) {
      throw new UsageError(
        `budget ${smallest.toExponential(2)} FLOPs is smaller than one training step of ${job.variant} size ${job.size} (${flopsPerStep.toExponential(2)} FLOPs); raise --budgets or pick a smaller size`,
      );
    }
    for (const skipped of job.budgets.filter((b) => !reachable.some((r) => r.budget === b))) {
      env.log(
        `${job.variant}/${job.size}: budget ${skipped.toExponential(1)} is below one step (${flopsPerStep.toExponential(2)} FLOPs); skipped`,
      );
    }
    env.onTrained(flopsPerStep * step, label);
    const curve = new CurveWriter(
      path.join(env.outDir, CURVES_DIR, `${job.jobKey}.csv`),
      curveStride(Math.max(0, ...reachable.map((r) => r.steps))),
    );

    for (const { budget, steps } of reachable) {
      let start = performance.now();
      if (!diverged && step < steps) {
        try {
          await trainSteps(model, {
            from: step,
            to: steps,
            nextBatch: () => stream.next(),
            readEvery: env.readEvery,
            onStep: async (done) => {
              step = done;
              env.onTrained(flopsPerStep, `${label} step ${done}/${steps}`);
              if (done < steps && (performance.now() - lastCheckpoint) / 1000 >= env.checkpointSeconds) {
                trainSeconds += (performance.now() - start) / 1000;
                await checkpoint();
                start = performance.now();
              }
            },
            onStats: (done, stats) => curve.record(done, trainSeconds + (performance.now() - start) / 1000, stats),
          });
          step = steps;
        } catch (error) {
          if (!(error instanceof DivergedError)) throw error;
          diverged = error;
          step = error.step;
        }
      }
      trainSeconds += (performance.now() - start) / 1000;
      const keys = job.samplers.map((s) => runKey(job, budget, s, preset, context));
      if (keys.every((key) => env.doneKeys.has(key))) continue;
      const status: RunStatus = diverged ? 'diverged' : ((await model.health?.()) ?? 'ok');
      const bpd = diverged ? undefined : await bitsPerDim(model, dataset, preset.bpdImages);
      const predictionErrorRatio = diverged ? undefined : await treatmentCheck(model, dataset, preset.bpdImages);
      const rows: RunRow[] = [];
      for (const [i, sampler] of job.samplers.entries()) {
        if (env.doneKeys.has(keys[i])) continue;
        const base = {
          run_key: keys[i],
          job_key: job.jobKey,
          paradigm: job.entry.family,
          variant: job.variant,
          sampler: sampler.label,
          size: job.size,
          seed: job.seed,
          split: job.split,
          budget_flops: budget,
          flops_per_step: flopsPerStep,
          steps: Math.min(step, steps),
          train_flops: Math.min(step, steps) * flopsPerStep,
          train_seconds: trainSeconds,
          status,
          bpd: bpd?.value ?? '',
          bpd_kind: bpd?.kind ?? '',
          bpd_terms: bpd?.terms ?? '',
          prediction_error_ratio: predictionErrorRatio ?? '',
          network_evals: model.sampleCost({ seed: 0, ...sampler.options }).networkEvals,
          eval_samples: evalSamplesOf(preset, job.variant),
          evaluator_id: context.evaluatorId,
          dataset: context.dataset,
          protocol: PROTOCOL,
          params,
          note: diverged ? diverged.message : '',
          config: JSON.stringify(job.config),
          ...env.host,
          finished_at: new Date().toISOString(),
        };
        const scored = scoredAtEveryBudget(preset, base.network_evals) || budget === largestReachable;
        if (diverged || !scored) {
          const note = diverged
            ? diverged.message
            : `sample quality scored at the largest budget only (${base.network_evals} network evaluations per sample)`;
          const unscoredQuality = { fd: '', kid: '', kid_std: '', precision: '', recall: '', class_confident: '', class_score: '' };
          rows.push({ ...base, note, ...unscoredQuality, sample_flops: '', sample_ms: '' });
          continue;
        }
        const gridFile = env.writeGrids
          ? path.join(env.outDir, gridPath({ variant: job.variant, sampler: sampler.label, best_size: job.size, budget_flops: budget }))
          : undefined;
        const evaluation = await evaluateSamples(
          model,
          sampler,
          job.seed * 1000 + rows.length,
          seedFromKey(keys[i]),
          evalSamplesOf(preset, job.variant),
          env.judge,
          gridFile,
          sampleFlopsCache,
        );
        rows.push({ ...base, ...evaluation });
        env.onEvaluated?.(
          (sampleFlopsCache.get(sampler.label) ?? 0) * evalSamplesOf(preset, job.variant),
          `${job.variant}/${job.size} seed ${job.seed}: scored ${sampler.label} at ${budget.toExponential(0)}`,
        );
      }
      env.appendRows(rows);
      for (const row of rows) env.doneKeys.add(String(row.run_key));
      if (diverged) continue; // the remaining budgets get diverged rows; nothing worth resuming
      await checkpoint();
      if (env.keepCheckpoints) await model.save(path.join(jobCheckpointDir(env.outDir, job.jobKey), `b${budget.toExponential(0)}`));
    }
    if (!env.keepCheckpoints) removeCheckpoints(env.outDir, job.jobKey);
  } finally {
    model.dispose();
  }
}

/** Held-out bits/dim, and the bound's terms (bits/dim each) as JSON where the model names them. */
async function bitsPerDim(
  model: GenerativeModel,
  dataset: Dataset,
  count: number,
): Promise<{ value: number; kind: string; terms: string } | undefined> {
  if (!model.bitsPerDim || count <= 0) return undefined;
  const n = Math.min(count, dataset.heldOut.count);
  const chunk = 64;
  let total = 0;
  let kind = '';
  const terms: Record<string, number> = {};
  for (let start = 0; start < n; start += chunk) {
    const indices = Array.from({ length: Math.min(chunk, n - start) }, (_, i) => start + i);
    const batch = imagesToTensor(dataset.heldOut, indices);
    try {
      const result = await model.bitsPerDim(batch);
      total += result.value * indices.length;
      kind = result.kind;
      for (const [name, value] of Object.entries(result.terms ?? {})) terms[name] = (terms[name] ?? 0) + (value * indices.length) / n;
    } finally {
      batch.dispose();
    }
  }
  const rounded = Object.fromEntries(Object.entries(terms).map(([name, value]) => [name, Number(value.toPrecision(4))]));
  return { value: total / n, kind, terms: Object.keys(rounded).length > 0 ? JSON.stringify(rounded) : '' };
}

/** Held-out images the treatment check uses at most (one forward pass). */
const TREATMENT_CHECK_IMAGES = 256;

/** The hierarchy's treatment check on held-out images (models that define one: hvae, pcvae). */
async function treatmentCheck(model: GenerativeModel, dataset: Dataset, count: number): Promise<number | undefined> {
  if (!model.predictionErrorRatio || count <= 0) return undefined;
  const n = Math.min(count, dataset.heldOut.count, TREATMENT_CHECK_IMAGES);
  const batch = imagesToTensor(
    dataset.heldOut,
    Array.from({ length: n }, (_, i) => i),
  );
  try {
    return await model.predictionErrorRatio(batch);
  } finally {
    batch.dispose();
  }
}

async function evaluateSamples(
  model: GenerativeModel,
  sampler: SamplerSetting,
  seed: number,
  kidSeed: number,
  count: number,
  judge: QualityJudge,
  gridFile: string | undefined,
  sampleFlopsCache: Map<string, number>,
): Promise<
  Pick<RunRow, 'fd' | 'kid' | 'kid_std' | 'precision' | 'recall' | 'class_confident' | 'class_score' | 'sample_flops' | 'sample_ms'>
> {
  if (!sampleFlopsCache.has(sampler.label)) {
    const counted = await countFlops(async () => {
      tf.dispose(await model.sample(1, { seed, ...sampler.options }));
    });
    sampleFlopsCache.set(sampler.label, counted.total);
  }
  const start = performance.now();
  const images = await model.sample(count, { seed, ...sampler.options });
  await images.data(); // sampling time includes reading the images back (async backends finish here)
  const sampleMs = (performance.now() - start) / count;
  try {
    const quality = await judge.judge(images, kidSeed);
    if (gridFile) await writeSampleGrid(gridFile, images);
    return {
      ...qualityColumns(quality),
      sample_flops: sampleFlopsCache.get(sampler.label) ?? '',
      sample_ms: sampleMs,
    };
  } finally {
    images.dispose();
  }
}
