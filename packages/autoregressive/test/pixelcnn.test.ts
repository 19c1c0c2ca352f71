import { tf, trainSteps, useCpuBackend } from '@curtain/core';
import { BatchStream, imagesToTensor, loadSynthetic } from '@curtain/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { PIXELCNN, PixelCnnModel } from '../src/index.ts';

const SHAPE = { height: 8, width: 8, channels: 1 };
const TINY = { width: 6, depth: 2, batchSize: 8 };

beforeAll(async () => {
  await useCpuBackend();
});

/** Random images on the 8-bit grid. */
function randomImages(n: number, h: number, w: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.floor(tf.randomUniform([n, h, w, 1], 0, 256, 'float32', seed)), 255) as tf.Tensor4D);
}

describe('PixelCNN causality', () => {
  it('output pixel i has zero gradient w.r.t. input pixels at or after i, nonzero w.r.t. every pixel before', async () => {
    const h = 5;
    const w = 5;
    const model = new PixelCnnModel({ width: 8, depth: 2, firstKernel: 5 }, { height: h, width: w, channels: 1 }, 3);
    const x = tf.tidy(() => tf.sub(tf.mul(randomImages(1, h, w, 1), 2), 1) as tf.Tensor4D);
    for (let i = 0; i < h * w; i++) {
      const r = Math.floor(i / w);
      const c = i % w;
      const grad = tf.tidy(() =>
        tf
          .grad((input: tf.Tensor) => tf.sum(tf.slice(model.net.logits(input as tf.Tensor4D), [0, r, c, 0], [1, 1, 1, -1])))(x)
          .dataSync(),
      );
      for (let j = 0; j < h * w; j++) {
        if (j >= i) expect(grad[j], `d out(${i}) / d in(${j})`).toBe(0);
        else expect(Math.abs(grad[j]), `d out(${i}) / d in(${j}) (blind spot?)`).toBeGreaterThan(0);
      }
    }
    x.dispose();
    model.dispose();
  });

  it('the cropped conditionals used for sampling (row context, then columns within reach) equal the full network outputs', async () => {
    const model = new PixelCnnModel({ width: 6, depth: 1, firstKernel: 3 }, { height: 12, width: 12, channels: 1 }, 5);
    expect(model.net.rowReach).toBeLessThan(11); // cropping really drops rows here
    expect(model.net.colReach).toBeLessThan(11); // and columns
    // far-from-zero weights so a wrongly cropped input would show
    for (const v of model.variables()) v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', 13))));
    const x = tf.tidy(() => tf.sub(tf.mul(randomImages(2, 12, 12, 2), 2), 1) as tf.Tensor4D);
    const full = tf.tidy(() => model.net.logits(x));
    const before = tf.memory().numTensors;
    for (const r of [0, 1, 3, 7, 11]) {
      const context = tf.tidy(() => model.net.rowContext(x, r));
      const row = tf.slice(x, [0, r, 0, 0], [2, 1, 12, 1]);
      for (const c of [0, 2, 5, 11]) {
        const cropped = tf.tidy(() => model.net.logitsInRow(row, c, context));
        const reference = tf.tidy(() => tf.reshape(tf.slice(full, [0, r, c, 0], [2, 1, 1, -1]), [2, -1]));
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(cropped, reference))).dataSync()[0]);
        expect(diff, `pixel (${r}, ${c})`).toBeLessThan(1e-5);
        tf.dispose([cropped, reference]);
      }
      tf.dispose([row, ...context]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, full]);
    model.dispose();
  });
});

describe('PixelCNN likelihood', () => {
  it('is a normalised distribution: probabilities of all 4^(2x2) images sum to 1', async () => {
    const levels = 4;
    const model = new PixelCnnModel({ width: 6, depth: 1, firstKernel: 3, levels }, { height: 2, width: 2, channels: 1 }, 7);
    // make the conditionals far from uniform so the check means something
    for (const v of model.variables()) v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.5, 'float32', 11))));
    const count = levels ** 4;
    const values = new Float32Array(count * 4);
    for (let n = 0; n < count; n++) {
      for (let p = 0; p < 4; p++) values[n * 4 + p] = (Math.floor(n / levels ** p) % levels) / (levels - 1);
    }
    const images = tf.tensor4d(values, [count, 2, 2, 1]);
    const logProb = model.logProb(images);
    const probs = Array.from(logProb.dataSync(), Math.exp);
    const total = probs.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 4);
    expect(Math.max(...probs) / Math.min(...probs)).toBeGreaterThan(2); // not uniform
    // bitsPerDim is the mean of -log2 p / D, kind exact
    const bpd = await model.bitsPerDim(images);
    expect(bpd.kind).toBe('exact');
    const expected = -probs.reduce((s, p) => s + Math.log2(p), 0) / (count * 4);
    expect(bpd.value).toBeCloseTo(expected, 4);
    tf.dispose([images, logProb]);
    model.dispose();
  });
});

describe('PixelCNN model', () => {
  it('scores exactly, samples on the 8-bit grid with one evaluation per pixel, and another seed gives other images', async () => {
    const model = PIXELCNN.create(TINY, SHAPE, 1);
    const batch = randomImages(8, 8, 8, 3);
    const bpd = await model.bitsPerDim!(batch);
    expect(bpd.kind).toBe('exact');
    expect(bpd.value).toBeGreaterThan(0);
    const samples = await model.sample(3, { seed: 4 });
    const values = samples.dataSync();
    expect(values.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-4)).toBe(true);
    expect(model.sampleCost({ seed: 0 }).networkEvals).toBe(64);
    const other = await model.sample(3, { seed: 5 });
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(values));
    tf.dispose([batch, samples, other]);
    model.dispose();
  });

  it('refuses colour images and bad levels with a clear error', async () => {
    expect(() => PIXELCNN.create({}, { height: 8, width: 8, channels: 3 }, 0)).toThrow(/1 channel/);
    expect(() => PIXELCNN.create({ levels: 1 }, SHAPE, 0)).toThrow(/levels/);
  });

  it('a few hundred steps on synthetic bars lower held-out bits/dim', async () => {
    const data = loadSynthetic({ count: 256, size: 8, seed: 1 });
    const model = PIXELCNN.create({ width: 4, depth: 1, firstKernel: 5, batchSize: 16, learningRate: 2e-2 }, SHAPE, 1);
    const heldOut = imagesToTensor(data.heldOut);
    const start = (await model.bitsPerDim!(heldOut)).value;
    const stream = new BatchStream(data.train, 16, 1);
    await trainSteps(model, { from: 0, to: 60, nextBatch: () => stream.next() });
    const end = (await model.bitsPerDim!(heldOut)).value;
    expect(end).toBeLessThan(start - 0.5);
    heldOut.dispose();
    model.dispose();
  });
});
