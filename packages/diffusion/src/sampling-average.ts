import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tf, UsageError } from '@curtain/core';
import { WeightAverage, writeAtomic } from '@curtain/nn';

/**
 * An exponential moving average of weights for sampling, with Adam-style
 * zero-debiasing: the raw average starts at the initial weights theta_0, so
 * after k updates it is decay^k * theta_0 + (1 - decay) * sum(...). Removing
 * the theta_0 term and dividing by (1 - decay^k) gives an average of the
 * trained weights only, which matters for the study's short runs (a few
 * hundred steps at decay 0.999 would otherwise still be mostly the random
 * initialisation). Built on WeightAverage from @curtain/nn.
 */
export class SamplingAverage {
  private average: WeightAverage;
  private readonly initial: tf.Variable[];
  updates = 0;

  constructor(
    private readonly vars: tf.Variable[],
    readonly decay: number,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new UsageError(`emaDecay must be in [0, 1), got ${decay}`);
    this.average = new WeightAverage(vars, decay);
    this.initial = vars.map((v) => tf.variable(v.clone(), false));
  }

  update(): void {
    this.average.update();
    this.updates += 1;
  }

  /** Runs fn with the debiased average swapped into the variables, then restores them. */
  withAverage<T>(fn: () => T): T {
    if (this.updates === 0) return fn();
    const initialWeight = this.decay ** this.updates;
    return this.average.withAverage(() => {
      tf.tidy(() => {
        this.vars.forEach((v, i) => {
          v.assign(tf.div(tf.sub(v, tf.mul(this.initial[i], initialWeight)), 1 - initialWeight));
        });
      });
      return fn();
    });
  }

  /** Writes the initial weights, the raw average and the update count under dir. */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const raw = this.average.withAverage(() => this.vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)));
    const initial = this.initial.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    const flat = concat([...raw, ...initial]);
    writeAtomic(path.join(dir, 'ema.bin'), Buffer.from(flat.buffer));
    writeAtomic(
      path.join(dir, 'ema.json'),
      JSON.stringify({ decay: this.decay, updates: this.updates, sizes: this.vars.map((v) => v.size) }),
    );
  }

  load(dir: string): void {
    let meta: { decay: number; updates: number; sizes: number[] };
    let bytes: Buffer;
    try {
      meta = JSON.parse(readFileSync(path.join(dir, 'ema.json'), 'utf8'));
      bytes = readFileSync(path.join(dir, 'ema.bin'));
    } catch (error) {
      throw new UsageError(`${dir}: no weight average checkpoint (${(error as Error).message})`);
    }
    if (meta.sizes.join(',') !== this.vars.map((v) => v.size).join(',')) {
      throw new UsageError(`${dir}/ema.json: variable sizes do not match this model`);
    }
    const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    const take = (v: tf.Variable) => {
      const t = tf.tensor(flat.subarray(offset, offset + v.size), v.shape, 'float32');
      offset += v.size;
      return t;
    };
    const raw = this.vars.map(take);
    for (const v of this.initial) {
      const t = take(v);
      v.assign(t);
      t.dispose();
    }
    // WeightAverage copies the variables' values as its shadow: install the raw average that way.
    const live = this.vars.map((v) => v.clone());
    this.vars.forEach((v, i) => {
      v.assign(raw[i]);
    });
    this.average.dispose();
    this.average = new WeightAverage(this.vars, this.decay);
    this.vars.forEach((v, i) => {
      v.assign(live[i]);
    });
    tf.dispose([...raw, ...live]);
    this.updates = meta.updates;
  }

  dispose(): void {
    this.average.dispose();
    tf.dispose(this.initial);
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
