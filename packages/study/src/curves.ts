import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StepStats } from '@curtain/core';
import { type CsvRow, num } from './columns.ts';
import { appendCsv, readCsv } from './csv-store.ts';
import type { CurvePoint } from './figures/loss-curves.ts';

/** Folder of the per-job training curves inside a report folder. */
export const CURVES_DIR = 'curves';

/** About this many points per job whatever its length (the stride is fixed by the job, so a resumed job keeps it). */
const POINTS_PER_JOB = 200;

/** Record every k-th step so a job of `steps` steps writes about POINTS_PER_JOB lines. */
export function curveStride(steps: number): number {
  return Math.max(1, Math.ceil(steps / POINTS_PER_JOB));
}

/**
 * Appends one job's per-step statistics (loss terms and cumulative training
 * seconds) about every `stride` steps to DIR/curves/<job>.csv, as whole lines. A
 * resumed job continues after the last step on file, so no step is written
 * twice; the columns are fixed by the first line written.
 */
export class CurveWriter {
  private lastStep: number;
  private columns: string[] | undefined;

  constructor(
    readonly file: string,
    readonly stride: number,
  ) {
    const existing = readCsv(file);
    this.lastStep = Math.max(0, ...existing.map((r) => num(r.step)).filter(Number.isFinite));
    this.columns = existing.length > 0 ? Object.keys(existing[0]) : undefined;
  }

  /**
   * Called with the statistics of a finished step (1-based) whenever the
   * training loop has them (every step, or every k-th where reading them back
   * waits for a device); writes a line once `stride` steps have passed since
   * the last line on file.
   */
  record(step: number, seconds: number, stats: StepStats): void {
    if (step - this.lastStep < this.stride) return;
    this.columns ??= ['step', 'seconds', 'loss', ...Object.keys(stats).filter((k) => k !== 'loss')];
    appendCsv(this.file, this.columns, [{ ...stats, step, seconds }]);
    this.lastStep = step;
  }
}

/**
 * Every curve in DIR/curves joined with its run's variant, size, seed and
 * FLOPs per step from runs.csv (curves of jobs without a row are skipped).
 */
export function readCurves(dir: string, rows: CsvRow[]): CurvePoint[] {
  const folder = path.join(dir, CURVES_DIR);
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f.endsWith('.csv'));
  } catch {
    return [];
  }
  const jobs = new Map(rows.filter((r) => r.job_key).map((r) => [r.job_key, r]));
  return files.flatMap((file) => {
    const run = jobs.get(path.basename(file, '.csv'));
    if (!run || !readFileSync(path.join(folder, file), 'utf8').trim()) return [];
    return readCsv(path.join(folder, file)).map((line) => ({
      paradigm: run.paradigm,
      variant: run.variant,
      size: run.size,
      seed: run.seed,
      step: num(line.step),
      flops: num(line.step) * num(run.flops_per_step),
      loss: num(line.loss),
    }));
  });
}
