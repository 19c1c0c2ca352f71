// Reading a training step's statistics back from the device: the one place a
// run's statistics are read and its divergence is detected.
import type { BackendInfo } from './backend.ts';
import type { GenerativeModel, StepStats, StepTensors } from './contract.ts';
import { assertFiniteStats } from './errors.ts';
import { tf } from './tf.ts';

/**
 * Reads a step's scalars back in one transfer (awaiting the device) and
 * disposes them, whether or not the read succeeds.
 */
export async function readStepStats(tensors: StepTensors): Promise<StepStats> {
  const names = Object.keys(tensors);
  const scalars = names.map((name) => tensors[name]);
  try {
    const packed = scalars.length === 1 ? scalars[0] : tf.tidy(() => tf.stack(scalars));
    const values = await packed.data();
    if (packed !== scalars[0]) packed.dispose();
    return Object.fromEntries(names.map((name, i) => [name, values[i]])) as StepStats;
  } finally {
    tf.dispose(scalars);
  }
}

/** Disposes a step's scalars unread. */
export function discardStep(tensors: StepTensors): void {
  tf.dispose(Object.values(tensors));
}

/**
 * Whether the training loop reads step `step` (1-based) back: every
 * `readEvery`-th step and always the `last` one of a budget. On CPU backends
 * reading every step costs nothing (readEvery 1); on a GPU a larger k keeps
 * the device busy.
 */
export function isReadStep(step: number, readEvery: number, last: number): boolean {
  return step === last || step % readEvery === 0;
}

/** Steps between read-backs on a device backend (webgpu): each read waits for the device to finish the queue. */
export const DEVICE_READ_EVERY = 10;

/**
 * How often the training loop reads statistics back on `backend`: every step
 * where tensors live in host memory (cpu, native, wasm, tensorflow on the
 * CPU), where reading costs nothing; every DEVICE_READ_EVERY steps on webgpu.
 */
export function readEveryFor(backend: Pick<BackendInfo, 'tfBackend'>): number {
  return backend.tfBackend === 'webgpu' ? DEVICE_READ_EVERY : 1;
}

/**
 * Finishes training step `step`: when `read`, reads its statistics back,
 * throws DivergedError (naming the step and the statistic) if any is NaN or
 * infinite, and passes them to the model's observe hook; otherwise disposes
 * them unread. Returns the statistics it read.
 */
export async function finishStep(
  model: Pick<GenerativeModel, 'observe'>,
  tensors: StepTensors,
  step: number,
  read: boolean,
): Promise<StepStats | undefined> {
  if (!read) {
    discardStep(tensors);
    return undefined;
  }
  const stats = await readStepStats(tensors);
  assertFiniteStats(step, stats);
  model.observe?.(stats);
  return stats;
}

export interface TrainStepsOptions {
  /** Steps already done (the next one is from + 1). */
  from: number;
  /** The step to stop after (the last step of a budget: always read back). */
  to: number;
  /** A fresh batch per step; trainSteps disposes it. */
  nextBatch: () => tf.Tensor4D;
  /** Read statistics back every this many steps (default 1). */
  readEvery?: number;
  /** Called after each step with its number (awaited: a checkpoint may be written here). */
  onStep?: (step: number) => void | Promise<void>;
  /** Called with the statistics of each step that was read back. */
  onStats?: (step: number, stats: StepStats) => void;
}

/**
 * The training loop: steps from + 1 .. to, each on a fresh batch, reading the
 * statistics back every `readEvery` steps and on the last (see finishStep).
 * Throws DivergedError (with the step) where a read-back value is not finite.
 * Returns the statistics read on the last step.
 */
export async function trainSteps(model: GenerativeModel, opts: TrainStepsOptions): Promise<StepStats | undefined> {
  let last: StepStats | undefined;
  for (let step = opts.from + 1; step <= opts.to; step++) {
    const batch = opts.nextBatch();
    let tensors: StepTensors;
    try {
      tensors = model.trainStep(batch);
    } finally {
      batch.dispose();
    }
    const stats = await finishStep(model, tensors, step, isReadStep(step, opts.readEvery ?? 1, opts.to));
    if (stats) {
      last = stats;
      opts.onStats?.(step, stats);
    }
    await opts.onStep?.(step);
  }
  return last;
}
