import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tf, UsageError, writeFileAtomic } from '@curtain/core';
import { concatFloat32 } from './params.ts';

/**
 * An exponential moving average of weights (Polyak averaging) for sampling,
 * used by the GAN and diffusion models. The average starts at zero and is
 * divided by (1 - decay^k) after k updates (Adam-style zero-debiasing), so it
 * averages trained weights only: at decay 0.999, a few hundred steps would
 * otherwise still be mostly the random initialisation. `withAverage` swaps the
 * averaged values in for one call and restores the live ones after.
 */
export class WeightAverage {
  private readonly shadow: tf.Variable[];
  updates = 0;

  constructor(
    private readonly vars: tf.Variable[],
    readonly decay: number,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new UsageError(`EMA decay must be in [0, 1), got ${decay}`);
    this.shadow = tf.tidy(() => vars.map((v) => tf.variable(tf.zerosLike(v), false)));
  }

  update(): void {
    tf.tidy(() => {
      this.vars.forEach((v, i) => {
        this.shadow[i].assign(tf.add(tf.mul(this.shadow[i], this.decay), tf.mul(v, 1 - this.decay)));
      });
    });
    this.updates += 1;
  }

  /** Runs fn with the debiased average in the variables (the live weights before any update). */
  withAverage<T>(fn: () => T): T {
    if (this.updates === 0) return fn();
    const correction = 1 / (1 - this.decay ** this.updates);
    const live = this.vars.map((v) => tf.variable(v, false));
    tf.tidy(() => {
      this.vars.forEach((v, i) => {
        v.assign(tf.mul(this.shadow[i], correction));
      });
    });
    try {
      return fn();
    } finally {
      this.vars.forEach((v, i) => {
        v.assign(live[i]);
      });
      tf.dispose(live);
    }
  }

  /** Writes the raw average and the update count as ema.bin / ema.json under dir. */
  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const flat = concatFloat32((await Promise.all(this.shadow.map((s) => s.data()))) as Float32Array[]);
    writeFileAtomic(path.join(dir, 'ema.bin'), Buffer.from(flat.buffer));
    writeFileAtomic(
      path.join(dir, 'ema.json'),
      JSON.stringify({ decay: this.decay, updates: this.updates, sizes: this.vars.map((v) => v.size) }),
    );
  }

  load(dir: string): void {
    let meta: { updates: number; sizes: number[] };
    let bytes: Buffer;
    try {
      meta = JSON.parse(readFileSync(path.join(dir, 'ema.json'), 'utf8'));
      bytes = readFileSync(path.join(dir, 'ema.bin'));
    } catch (error) {
      throw new UsageError(`${dir}: no weight-average checkpoint (${(error as Error).message})`);
    }
    if (meta.sizes.join(',') !== this.vars.map((v) => v.size).join(',')) {
      throw new UsageError(`${dir}/ema.json: variable sizes ${meta.sizes.join(',')} do not match this model`);
    }
    const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    for (const s of this.shadow) {
      tf.tidy(() => s.assign(tf.tensor(flat.subarray(offset, offset + s.size), s.shape, 'float32')));
      offset += s.size;
    }
    this.updates = meta.updates;
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
