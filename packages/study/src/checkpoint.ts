import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileError, type GenerativeModel, writeFileAtomic } from '@curtain/core';

/** Where a job is in its training, beside the model's own state (weights, optimiser, EMA, RNG). */
export interface JobProgress {
  /** Optimiser steps taken. */
  step: number;
  trainSeconds: number;
  flopsPerStep: number;
  /** Batches the data stream has handed out (BatchStream.position). */
  streamPosition: number;
}

export const CHECKPOINTS_DIR = 'checkpoints';
const RESUME = 'resume';
const PROGRESS_FILE = 'progress.json';

export const jobCheckpointDir = (outDir: string, jobKey: string) => path.join(outDir, CHECKPOINTS_DIR, jobKey);

/**
 * Saves a resumable checkpoint of a job: the model (weights, optimiser
 * moments and step, EMA, RNG positions; see the model's save) and the job's
 * progress, written into a fresh folder that then replaces the previous
 * checkpoint by renames, so a kill at any moment leaves one whole
 * checkpoint (the old or the new).
 */
export async function saveCheckpoint(outDir: string, jobKey: string, model: GenerativeModel, progress: JobProgress): Promise<void> {
  const dir = jobCheckpointDir(outDir, jobKey);
  const next = path.join(dir, `${RESUME}.next-${process.pid}`);
  const old = path.join(dir, `${RESUME}.old-${process.pid}`);
  const current = path.join(dir, RESUME);
  rmSync(next, { recursive: true, force: true });
  try {
    await model.save(next);
  } catch (error) {
    throw fileError(next, 'write a checkpoint', error);
  }
  writeFileAtomic(path.join(next, PROGRESS_FILE), JSON.stringify(progress));
  try {
    if (existsSync(current)) renameSync(current, old);
    renameSync(next, current);
  } catch (error) {
    throw fileError(current, 'replace the checkpoint', error);
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Creates a job's model and loads its last checkpoint into it, returning the
 * progress too; a fresh model alone when there is none. A kill between the two renames of
 * saveCheckpoint leaves only the old folder, which is used then. A damaged
 * checkpoint is reported through `log` and the job starts from step 0 (its
 * rows are still right, only slower).
 */
export async function resumeModel(
  outDir: string,
  jobKey: string,
  create: () => GenerativeModel,
  log: (line: string) => void,
): Promise<{ model: GenerativeModel; progress?: JobProgress }> {
  const model = create();
  const dir = jobCheckpointDir(outDir, jobKey);
  if (!existsSync(dir)) return { model };
  const candidates = [RESUME, ...readdirSync(dir).filter((name) => name.startsWith(`${RESUME}.old-`))]
    .map((name) => path.join(dir, name))
    .filter((candidate) => existsSync(path.join(candidate, PROGRESS_FILE)));
  const chosen = candidates[0];
  if (!chosen) return { model };
  try {
    const progress = JSON.parse(readFileSync(path.join(chosen, PROGRESS_FILE), 'utf8')) as JobProgress;
    if (![progress.step, progress.streamPosition].every((n) => Number.isInteger(n) && n >= 0)) throw new Error('bad progress.json');
    await model.load(chosen);
    return { model, progress };
  } catch (error) {
    log(`${chosen}: checkpoint unreadable (${(error as Error).message}); training this job from step 0`);
    model.dispose(); // possibly half-loaded
    return { model: create() };
  }
}

/** Removes a finished job's checkpoints. */
export function removeCheckpoints(outDir: string, jobKey: string): void {
  rmSync(jobCheckpointDir(outDir, jobKey), { recursive: true, force: true });
}
