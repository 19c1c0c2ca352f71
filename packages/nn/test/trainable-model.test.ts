import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discardStep, type JsonValue, SeededRng, tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, type CheckpointParts, ParamStore, snapshotWeights, TrainableModel, WeightAverage } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

/** A model with every part a checkpoint holds: weights, an optimiser, a generator, a weight average and a counter. */
class Tiny extends TrainableModel {
  protected readonly store: ParamStore;
  private readonly w: tf.Variable;
  private readonly adam: Adam;
  private readonly average: WeightAverage;
  readonly rng: SeededRng;
  counter = 0;
  ownDisposed = false;

  constructor(seed: number) {
    super();
    this.rng = new SeededRng(seed);
    this.store = new ParamStore(this.rng.fork());
    this.w = this.store.create('w', [4], 'he');
    this.adam = new Adam(this.store.variables(), { learningRate: 0.1 });
    this.average = new WeightAverage(this.store.variables(), 0.9);
  }

  /** One step towards a target drawn from the model's own generator. */
  step(): void {
    const target = Float32Array.from({ length: 4 }, () => this.rng.uniform());
    discardStep(this.adam.step(() => tf.sum(tf.square(tf.sub(this.w, tf.tensor1d(target))))));
    this.average.update();
    this.counter += 1;
  }

  async averaged(): Promise<Float32Array[]> {
    return this.average.withAverage(() => this.store.variables().map((v) => v.dataSync() as Float32Array));
  }

  protected checkpointParts(): CheckpointParts {
    return { optimizers: { adam: this.adam }, rngs: { rng: this.rng }, average: this.average };
  }

  protected override checkpointExtra(): JsonValue {
    return { counter: this.counter };
  }

  protected override restoreExtra(extra: JsonValue): void {
    this.counter = (extra as { counter: number }).counter;
  }

  protected override disposeOwn(): void {
    this.ownDisposed = true;
  }
}

describe('TrainableModel', () => {
  it('a model loaded from a checkpoint takes exactly the steps the saved one takes next', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'curtain-trainable-'));
    const saved = new Tiny(1);
    for (let i = 0; i < 3; i++) saved.step();
    await saved.save(dir);
    const resumed = new Tiny(2);
    expect(await snapshotWeights(resumed.variables())).not.toEqual(await snapshotWeights(saved.variables()));
    await resumed.load(dir);
    expect(resumed.counter).toBe(3);
    for (const model of [saved, resumed]) for (let i = 0; i < 2; i++) model.step();
    // weights, Adam moments (the steps differ otherwise), the generator's position and the average all came back
    expect(await snapshotWeights(resumed.variables())).toEqual(await snapshotWeights(saved.variables()));
    expect(await resumed.averaged()).toEqual(await saved.averaged());
    expect(resumed.parameterCount()).toBe(4);
    saved.dispose();
    resumed.dispose();
  });

  it('dispose frees the weights, the optimiser, the average and what the model owns', () => {
    const before = tf.memory().numTensors;
    const model = new Tiny(3);
    model.step();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    model.dispose();
    expect(model.ownDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
