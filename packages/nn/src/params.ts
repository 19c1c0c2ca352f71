import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type SeededRng, tf, UsageError, writeFileAtomic } from '@curtain/core';

export type Init =
  | 'zeros'
  | 'ones'
  /** He et al. 2015: N(0, 2 / fanIn), for ReLU-family layers. */
  | 'he'
  /** Glorot & Bengio 2010 uniform. */
  | 'glorot'
  | { normal: number };

/**
 * A model's named trainable variables, initialised from the model's own
 * seeded generator (so one seed gives identical weights on every run, whatever
 * tfjs's initialisers do with seeds), saved and loaded as one binary file.
 */
export class ParamStore {
  private readonly params = new Map<string, tf.Variable>();

  constructor(private readonly rng: SeededRng) {}

  /** fanIn/fanOut follow the conv convention [kh, kw, in, out] or dense [in, out]. */
  create(name: string, shape: number[], init: Init): tf.Variable {
    if (this.params.has(name)) throw new Error(`parameter '${name}' already exists`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const receptive = shape.length > 2 ? shape.slice(0, -2).reduce((a, b) => a * b, 1) : 1;
    const fanIn = shape.length >= 2 ? shape[shape.length - 2] * receptive : shape[0];
    const fanOut = shape.length >= 2 ? shape[shape.length - 1] * receptive : shape[0];
    if (init === 'ones') values.fill(1);
    else if (init === 'he') this.rng.fillNormal(values, Math.sqrt(2 / fanIn));
    else if (init === 'glorot') {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      this.rng.fillUniform(values, -limit, limit);
    } else if (typeof init === 'object') this.rng.fillNormal(values, init.normal);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.params.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const variable = this.params.get(name);
    if (!variable) throw new Error(`no parameter '${name}'`);
    return variable;
  }

  names(): string[] {
    return [...this.params.keys()];
  }

  /** Variables whose names start with `prefix` (all when omitted), in creation order. */
  variables(prefix = ''): tf.Variable[] {
    return [...this.params.entries()].filter(([name]) => name.startsWith(prefix)).map(([, v]) => v);
  }

  count(prefix = ''): number {
    return this.variables(prefix).reduce((total, v) => total + v.size, 0);
  }

  /** Writes `params.json` (names, shapes) and `params.bin` (float32) atomically; reads back with await data(). */
  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const manifest: Array<{ name: string; shape: number[] }> = [];
    const chunks: Float32Array[] = [];
    for (const [name, variable] of this.params) {
      manifest.push({ name, shape: variable.shape });
      chunks.push((await variable.data()) as Float32Array);
    }
    writeFileAtomic(path.join(dir, 'params.bin'), Buffer.from(concatFloat32(chunks).buffer));
    writeFileAtomic(path.join(dir, 'params.json'), JSON.stringify(manifest));
  }

  /** Loads values saved by `save` into the existing variables (shapes must match). */
  load(dir: string): void {
    const manifestFile = path.join(dir, 'params.json');
    let manifest: Array<{ name: string; shape: number[] }>;
    let bytes: Buffer;
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
      bytes = readFileSync(path.join(dir, 'params.bin'));
    } catch (error) {
      throw new UsageError(`${dir}: not a checkpoint (${(error as Error).message})`);
    }
    const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    for (const { name, shape } of manifest) {
      const variable = this.params.get(name);
      if (!variable) throw new UsageError(`${manifestFile}: parameter '${name}' does not exist in this model`);
      if (variable.shape.join('x') !== shape.join('x')) {
        throw new UsageError(`${manifestFile}: '${name}' has shape ${shape.join('x')}, model expects ${variable.shape.join('x')}`);
      }
      const size = variable.size;
      if (offset + size > flat.length) throw new UsageError(`${dir}/params.bin: truncated`);
      tf.tidy(() => variable.assign(tf.tensor(flat.subarray(offset, offset + size), shape, 'float32')));
      offset += size;
    }
    if (manifest.length !== this.params.size) {
      throw new UsageError(`${manifestFile}: holds ${manifest.length} parameters, model has ${this.params.size}`);
    }
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
    this.params.clear();
  }
}

/** The arrays end to end in one Float32Array (the layout of every .bin checkpoint file). */
export function concatFloat32(parts: Float32Array[]): Float32Array {
  const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    flat.set(part, offset);
    offset += part.length;
  }
  return flat;
}
