import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertNoLeakAsync, tf, UsageError, useCpuBackend } from '@curtain/core';
import { DEBIAN_FASHION_MNIST_DIR, loadDataset, sampleImages } from '@curtain/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Evaluator, type EvaluatorMeta, loadEvaluator, WEIGHTS_ROOT } from '../src/index.ts';

let digits: Evaluator;

beforeAll(async () => {
  await useCpuBackend();
  digits = loadEvaluator('digits');
});
afterAll(() => digits.dispose());

function metaOf(name: string): EvaluatorMeta {
  return JSON.parse(readFileSync(path.join(WEIGHTS_ROOT, name, 'meta.json'), 'utf8'));
}

describe('committed evaluators', () => {
  it('digits: id is the hash recorded in meta.json; weights under 1 MB; >= 98% on 1000 held-out digits', async () => {
    expect(digits.id).toMatch(/^[0-9a-f]{16}$/);
    const meta = metaOf('digits');
    expect(digits.id).toBe(meta.evaluatorId);
    expect(existsSync(path.join(WEIGHTS_ROOT, '..', '..', '..', meta.script))).toBe(true);
    expect(meta).toMatchObject({ dataset: 'digits', seed: expect.any(Number), steps: expect.any(Number) });
    expect(meta.heldOutAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(readFileSync(path.join(WEIGHTS_ROOT, 'digits', 'params.bin')).byteLength).toBeLessThan(1 << 20);
    const data = loadDataset('digits');
    expect(await digits.accuracy(data.heldOut, 1000)).toBeGreaterThanOrEqual(0.98);
  });

  it('mnist is served by the digits evaluator (same domain)', () => {
    const mnist = loadEvaluator('mnist');
    expect(mnist.id).toBe(digits.id);
    expect(mnist.trainedOn).toBe('digits');
    expect(metaOf('digits').servesDatasets).toContain('mnist');
    mnist.dispose();
  });

  it.skipIf(!existsSync(DEBIAN_FASHION_MNIST_DIR))('fashion-mnist: >= 90% on 1000 held-out images', async () => {
    const fashion = loadEvaluator('fashion-mnist');
    expect(fashion.id).toBe(metaOf('fashion-mnist').evaluatorId);
    expect(fashion.id).not.toBe(digits.id);
    expect(readFileSync(path.join(WEIGHTS_ROOT, 'fashion-mnist', 'params.bin')).byteLength).toBeLessThan(1 << 20);
    expect(await fashion.accuracy(loadDataset('fashion-mnist').heldOut, 1000)).toBeGreaterThanOrEqual(0.9);
    fashion.dispose();
  });

  it('has no evaluator for other datasets', () => {
    expect(() => loadEvaluator('synthetic')).toThrow(UsageError);
  });
});

describe('evaluator id', () => {
  it('changes when the weights change, and so do the features', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'curtain-evaluator-'));
    try {
      for (const file of ['params.json', 'params.bin']) copyFileSync(path.join(digits.weightsDir, file), path.join(dir, file));
      const same = Evaluator.fromDirectory(dir);
      expect(same.id).toBe(digits.id);
      same.dispose();
      const bytes = readFileSync(path.join(dir, 'params.bin'));
      const weights = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      weights[0] += 0.5; // conv1/w[0]
      writeFileSync(path.join(dir, 'params.bin'), bytes);
      const changed = Evaluator.fromDirectory(dir);
      expect(changed.id).not.toBe(digits.id);
      const images = sampleImages(loadDataset('digits').heldOut, 8, 1);
      const before = (await digits.features(images)).data;
      const after = (await changed.features(images)).data;
      expect(Array.from(after)).not.toEqual(Array.from(before));
      images.dispose();
      changed.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('features', () => {
  it('are N x 128, post-ReLU, independent of the batch size, deterministic and leak-free', async () => {
    const images = sampleImages(loadDataset('digits').heldOut, 20, 3);
    const whole = await assertNoLeakAsync('features', () => digits.features(images));
    const batched = await assertNoLeakAsync('features in batches of 7', () => digits.features(images, 7));
    await assertNoLeakAsync('predict', () => digits.predict(images, 6));
    expect(whole.rows).toBe(20);
    expect(whole.cols).toBe(128);
    expect(whole.data.length).toBe(20 * 128);
    expect(Math.min(...whole.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...whole.data)).toBeGreaterThan(0);
    for (let i = 0; i < whole.data.length; i++) expect(batched.data[i]).toBeCloseTo(whole.data[i], 4);
    expect((await digits.features(images)).data).toEqual(whole.data);
    images.dispose();
  });

  it('reject images of another shape with a UsageError', async () => {
    const wrong = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    await expect(digits.features(wrong)).rejects.toThrow(/expected images \[N, 28, 28, 1\]/);
    wrong.dispose();
  });
});
