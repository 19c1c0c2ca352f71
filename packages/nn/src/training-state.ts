import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type JsonValue, type RngState, type SeededRng, UsageError, writeFileAtomic } from '@curtain/core';
import type { Adam } from './adam.ts';

/**
 * Everything besides the weights that decides a model's next training step:
 * its optimisers' moments and step counts, the positions of its random
 * generators, and any model-specific counters (JSON). Saved beside the
 * weights, it lets a killed run resume and take exactly the steps an
 * uninterrupted run takes. (The weight average saves itself: WeightAverage.)
 */
export interface TrainingParts {
  optimizers: Record<string, Adam>;
  rngs: Record<string, SeededRng>;
}

const STATE_FILE = 'training.json';

export async function saveTrainingState(dir: string, parts: TrainingParts, extra: JsonValue = null): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, optimizer] of Object.entries(parts.optimizers)) await optimizer.save(dir, name);
  const rngs = Object.fromEntries(Object.entries(parts.rngs).map(([name, rng]) => [name, rng.getState()]));
  writeFileAtomic(path.join(dir, STATE_FILE), JSON.stringify({ rngs, extra }));
}

/** Restores what saveTrainingState wrote into the same parts; returns the model-specific extra. */
export function loadTrainingState(dir: string, parts: TrainingParts): JsonValue {
  const file = path.join(dir, STATE_FILE);
  let state: { rngs: Record<string, RngState>; extra: JsonValue };
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: no training state (${(error as Error).message})`);
  }
  for (const [name, optimizer] of Object.entries(parts.optimizers)) optimizer.load(dir, name);
  for (const [name, rng] of Object.entries(parts.rngs)) {
    if (!state.rngs?.[name]) throw new UsageError(`${file}: no state for the random generator '${name}'`);
    try {
      rng.setState(state.rngs[name]);
    } catch (error) {
      throw new UsageError(`${file}: generator '${name}': ${(error as Error).message}`);
    }
  }
  return state.extra;
}
