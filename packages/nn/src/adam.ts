import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type StepTensors, tf, UsageError, writeFileAtomic } from '@curtain/core';
import { concatFloat32 } from './params.ts';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Clip the global gradient norm to this value (0: no clipping). */
  clipNorm?: number;
}

/** The fused update kernel @curtain/backend-native registers (same math as below); an optional input `scale` multiplies the gradient. */
export const FUSED_ADAM_KERNEL = 'CurtainAdam';
/** The fused sum of squares of all its inputs @curtain/backend-native registers (the squared global norm). */
export const FUSED_SUM_SQUARES_KERNEL = 'CurtainSumSquares';

export type RecordStat = (name: string, value: tf.Scalar) => void;

/**
 * Adam (Kingma & Ba 2015) over an explicit variable list. One `step` computes
 * the loss, its gradients and one update, and returns the loss and any
 * recorded statistics as device-resident scalars (read back by the training
 * loop, which also detects divergence). Uses the fused `CurtainAdam` kernel where the
 * active backend registers it; otherwise the same 14 elementwise operations
 * per parameter (which is what the FLOP counter charges either way).
 */
export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly clipNorm: number;
  learningRate: number;
  steps = 0;

  constructor(
    private readonly vars: tf.Variable[],
    opts: AdamOptions,
  ) {
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.clipNorm = opts.clipNorm ?? 0;
    this.m = tf.tidy(() => vars.map((v) => tf.variable(tf.zerosLike(v), false)));
    this.v = tf.tidy(() => vars.map((v) => tf.variable(tf.zerosLike(v), false)));
  }

  /**
   * One optimiser step on `lossFn`. `record(name, scalar)` inside lossFn adds a
   * named statistic to the returned scalars, which the caller owns.
   */
  step(lossFn: (record: RecordStat) => tf.Scalar): StepTensors {
    const stats: Record<string, tf.Scalar> = {};
    const record: RecordStat = (name, value) => {
      stats[name] = tf.keep(value);
    };
    const { value, grads } = tf.variableGrads(() => lossFn(record), this.vars);
    this.steps += 1;
    try {
      const ordered = this.vars.map((v) => grads[v.name]);
      // with clipping on, the norm before clipping is a statistic of the step (grad_norm)
      if (this.clipNorm > 0) stats.grad_norm = tf.tidy(() => tf.sqrt(this.sumOfSquares(ordered)) as tf.Scalar);
      this.apply(ordered, stats.grad_norm);
    } finally {
      tf.dispose(Object.values(grads));
    }
    return { loss: value, ...stats };
  }

  /** The squared global norm: one fused kernel where the backend has it, else a square and a sum per gradient. */
  private sumOfSquares(grads: tf.Tensor[]): tf.Scalar {
    if (tf.getKernel(FUSED_SUM_SQUARES_KERNEL, tf.getBackend()) !== undefined) {
      return tf.engine().runKernel(FUSED_SUM_SQUARES_KERNEL, Object.fromEntries(grads.map((g, i) => [`g${i}`, g]))) as tf.Scalar;
    }
    return tf.addN(grads.map((g) => tf.sum(tf.square(g)))) as tf.Scalar;
  }

  private apply(rawGrads: tf.Tensor[], norm: tf.Scalar | undefined): void {
    const fused = tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      let grads = rawGrads;
      const scale = norm ? (tf.minimum(1, tf.div(this.clipNorm, tf.add(norm, 1e-6))) as tf.Scalar) : undefined;
      // the fused kernel scales each gradient itself
      if (scale && !fused) grads = grads.map((g) => tf.mul(g, scale));
      this.vars.forEach((variable, i) => {
        const g = grads[i];
        if (fused) {
          const inputs = { variable, grad: g, m: this.m[i], v: this.v[i], ...(scale ? { scale } : {}) };
          const [next, m, v] = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, {
            lr: this.learningRate,
            beta1: this.beta1,
            beta2: this.beta2,
            epsilon: this.epsilon,
            step: this.steps,
          }) as tf.Tensor[];
          variable.assign(next);
          this.m[i].assign(m);
          this.v[i].assign(v);
          return;
        }
        const b1 = this.beta1;
        const b2 = this.beta2;
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.mul(g, g), 1 - b2));
        const mHat = tf.mul(m, 1 / (1 - b1 ** this.steps));
        const vHat = tf.mul(v, 1 / (1 - b2 ** this.steps));
        const update = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), this.learningRate);
        variable.assign(tf.sub(variable, update));
        this.m[i].assign(m);
        this.v[i].assign(v);
      });
    });
  }

  /**
   * Writes the moment estimates m and v (NAME.bin, float32, every m then every
   * v) and the step count (NAME.json) under dir, so a resumed run takes the
   * same next step as an uninterrupted one.
   */
  async save(dir: string, name = 'adam'): Promise<void> {
    const moments = (await Promise.all([...this.m, ...this.v].map((t) => t.data()))) as Float32Array[];
    writeFileAtomic(path.join(dir, `${name}.bin`), Buffer.from(concatFloat32(moments).buffer));
    writeFileAtomic(
      path.join(dir, `${name}.json`),
      JSON.stringify({ steps: this.steps, learningRate: this.learningRate, sizes: this.vars.map((v) => v.size) }),
    );
  }

  /** Restores what `save` wrote; the variable sizes must match. */
  load(dir: string, name = 'adam'): void {
    const meta = path.join(dir, `${name}.json`);
    let state: { steps: number; learningRate: number; sizes: number[] };
    let bytes: Buffer;
    try {
      state = JSON.parse(readFileSync(meta, 'utf8'));
      bytes = readFileSync(path.join(dir, `${name}.bin`));
    } catch (error) {
      throw new UsageError(`${dir}: no optimiser state '${name}' (${(error as Error).message})`);
    }
    if (state.sizes?.join(',') !== this.vars.map((v) => v.size).join(',')) {
      throw new UsageError(`${meta}: variable sizes ${state.sizes?.join(',')} do not match this optimiser's`);
    }
    const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const slots = [...this.m, ...this.v];
    const expected = slots.reduce((n, t) => n + t.size, 0);
    if (flat.length !== expected) throw new UsageError(`${dir}/${name}.bin: holds ${flat.length} values, expected ${expected}`);
    let offset = 0;
    for (const slot of slots) {
      tf.tidy(() => slot.assign(tf.tensor(flat.subarray(offset, offset + slot.size), slot.shape, 'float32')));
      offset += slot.size;
    }
    this.steps = state.steps;
    this.learningRate = state.learningRate;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
