// Every registered paradigm takes the same first training step on the webgpu
// backend (the software adapter) as on the cpu backend, from the same seed and
// batch: the step's statistics, its gradients (Adam's first moment after one
// step, m = (1 - beta1) g, read from the saved optimiser state) and the updated
// weights agree within 1e-4 relative; its samples are finite images in
// [0, 1]; neither backend leaks a tensor. (resume-webgpu.test.ts checks
// checkpoint resume there.) CI requires the adapter
// (CURTAIN_REQUIRE_WEBGPU=1), so there these tests run rather than skip.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webgpuForTests } from '@curtain/backend-webgpu/testing';
import { readStepStats, type StepStats, tf, useCpuBackend } from '@curtain/core';
import { imagesToTensor, loadSynthetic } from '@curtain/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARADIGMS } from '../src/index.ts';

const gpu = await webgpuForTests();

const SHAPE = { height: 8, width: 8, channels: 1 };
/** The smallest network every paradigm builds, on a batch of two 8x8 images. */
const TINY = { width: 4, depth: 1, batchSize: 2 };
const TOLERANCE = 1e-4;
const data = loadSynthetic({ count: 16, size: 8, seed: 4 });

interface StepResult {
  stats: StepStats;
  /** Each optimiser's first moments after one step, every variable in order. */
  moments: Record<string, Float32Array>;
  weights: Float32Array[];
  samples: Float32Array;
  sampleShape: number[];
  leaked: number;
}

/** ‖a − b‖∞ / max(‖b‖∞, 1e-6): relative to the tensor's scale, not per element. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / scale;
}

/** Adam.save writes NAME.json ({ steps, sizes, ... }) and NAME.bin (float32: every m, then every v). */
function firstMoments(dir: string): Record<string, Float32Array> {
  const moments: Record<string, Float32Array> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const meta = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    if (!Array.isArray(meta.sizes) || typeof meta.steps !== 'number') continue;
    const name = file.slice(0, -'.json'.length);
    const bytes = readFileSync(path.join(dir, `${name}.bin`));
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    moments[name] = all.slice(0, all.length / 2);
  }
  return moments;
}

async function oneStep(backend: string, variant: string): Promise<StepResult> {
  expect(await tf.setBackend(backend)).toBe(true);
  const entry = PARADIGMS[variant];
  const before = tf.memory().numTensors;
  const model = entry.create(TINY as never, SHAPE, 7);
  const dir = mkdtempSync(path.join(os.tmpdir(), `curtain-${variant}-${backend}-`));
  try {
    const batch = imagesToTensor(data.train, [0, 1]);
    const stats = await readStepStats(model.trainStep(batch));
    batch.dispose();
    await model.save(dir);
    const weights = await Promise.all(model.variables().map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
    // the cheapest sampler (DDIM rather than T-step DDPM): what is tested is that sampling runs here
    const cost = (s: (typeof entry.samplers)[number]) => model.sampleCost({ seed: 0, ...s.options }).networkEvals;
    const sampler = [...entry.samplers].sort((a, b) => cost(a) - cost(b))[0];
    const images = await model.sample(2, { seed: 3, ...sampler.options });
    const samples = Float32Array.from((await images.data()) as Float32Array);
    const sampleShape = images.shape;
    images.dispose();
    model.dispose();
    const leaked = tf.memory().numTensors - before;
    return { stats, moments: firstMoments(dir), weights, samples, sampleShape, leaked };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(gpu.skipReason !== undefined)('every paradigm on webgpu (software adapter) against cpu', () => {
  beforeAll(async () => {
    await useCpuBackend(); // curtain's cpu backend, with its kernel corrections
  });

  it.each(Object.keys(PARADIGMS))(
    '%s: one training step, its gradients and weights within 1e-4; finite samples; no leaks',
    async (variant) => {
      const cpu = await oneStep('cpu', variant);
      const webgpu = await oneStep('webgpu', variant);
      expect(Object.keys(webgpu.stats).sort()).toEqual(Object.keys(cpu.stats).sort());
      for (const [name, value] of Object.entries(cpu.stats)) {
        expect(relativeError([webgpu.stats[name]], [value]), `statistic ${name}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(Object.keys(webgpu.moments).sort()).toEqual(Object.keys(cpu.moments).sort());
      expect(Object.keys(cpu.moments).length).toBeGreaterThan(0);
      for (const [name, m] of Object.entries(cpu.moments)) {
        expect(relativeError(webgpu.moments[name], m), `gradients of optimiser ${name}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(webgpu.weights.length).toBe(cpu.weights.length);
      cpu.weights.forEach((w, i) => {
        expect(relativeError(webgpu.weights[i], w), `weights of variable ${i}`).toBeLessThanOrEqual(TOLERANCE);
      });
      expect(webgpu.sampleShape).toEqual([2, SHAPE.height, SHAPE.width, SHAPE.channels]);
      expect(webgpu.samples.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
      expect([cpu.leaked, webgpu.leaked]).toEqual([0, 0]);
    },
  );
});
