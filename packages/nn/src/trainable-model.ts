import path from 'node:path';
import type { JsonValue, tf } from '@curtain/core';
import type { WeightAverage } from './ema.ts';
import type { ParamStore } from './params.ts';
import { loadTrainingState, saveTrainingState, type TrainingParts } from './training-state.ts';

/** What a checkpoint holds besides the weights: optimisers, random generators and, where sampling uses one, the weight average. */
export interface CheckpointParts extends TrainingParts {
  average?: WeightAverage;
}

const AVERAGE_DIR = 'ema';

/**
 * The plumbing every paradigm's model shares: its weights live in one
 * ParamStore, and a checkpoint is the weights, the weight average (in `ema/`)
 * and the training state (optimiser moments, generator positions and the
 * model's own counters), so that a resumed run takes exactly the steps an
 * uninterrupted one takes. A model names its parts once (checkpointParts) and
 * gets variables, parameterCount, save, load and dispose from here.
 */
export abstract class TrainableModel {
  protected abstract readonly store: ParamStore;

  /** The optimisers, generators and weight average a checkpoint saves (the same objects on every call). */
  protected abstract checkpointParts(): CheckpointParts;

  /** Model-specific counters saved with the training state (e.g. a health monitor's window); null when none. */
  protected checkpointExtra(): JsonValue {
    return null;
  }

  /** Restores what checkpointExtra saved. */
  protected restoreExtra(_extra: JsonValue): void {}

  /** Frees what the model owns besides its weights and checkpoint parts. */
  protected disposeOwn(): void {}

  /** All trainable variables, in creation order. */
  variables(): tf.Variable[] {
    return this.store.variables();
  }

  parameterCount(): number {
    return this.store.count();
  }

  async save(dir: string): Promise<void> {
    const { average, ...training } = this.checkpointParts();
    await this.store.save(dir);
    if (average) await average.save(path.join(dir, AVERAGE_DIR));
    await saveTrainingState(dir, training, this.checkpointExtra());
  }

  async load(dir: string): Promise<void> {
    const { average, ...training } = this.checkpointParts();
    this.store.load(dir);
    if (average) average.load(path.join(dir, AVERAGE_DIR));
    this.restoreExtra(loadTrainingState(dir, training));
  }

  dispose(): void {
    const { average, optimizers } = this.checkpointParts();
    for (const optimizer of Object.values(optimizers)) optimizer.dispose();
    average?.dispose();
    this.disposeOwn();
    this.store.dispose();
  }
}
