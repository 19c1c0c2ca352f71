import { tf, trainSteps, useCpuBackend } from '@curtain/core';
import { BatchStream, imagesToTensor, loadSynthetic } from '@curtain/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { FLOW, FlowModel } from '../src/index.ts';

const SHAPE = { height: 8, width: 8, channels: 1 };
const TINY = { width: 8, depth: 2, batchSize: 8 };

beforeAll(async () => {
  await useCpuBackend();
});

/** Moves every weight off its (identity) initialisation so the flow is a non-trivial map. */
function randomise(model: FlowModel, seed: number, std = 0.2): void {
  model.variables().forEach((v, i) => {
    v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, std, 'float32', seed + i))));
  });
}

function randomImages(n: number, h: number, w: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.floor(tf.randomUniform([n, h, w, 1], 0, 256, 'float32', seed)), 255) as tf.Tensor4D);
}

/** log|det A| of a dense n x n matrix (row-major), by LU with partial pivoting in float64. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let total = 0;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(m[r * n + k]) > Math.abs(m[pivot * n + k])) pivot = r;
    if (pivot !== k) for (let c = 0; c < n; c++) [m[k * n + c], m[pivot * n + c]] = [m[pivot * n + c], m[k * n + c]];
    const diag = m[k * n + k];
    total += Math.log(Math.abs(diag));
    for (let r = k + 1; r < n; r++) {
      const f = m[r * n + k] / diag;
      for (let c = k; c < n; c++) m[r * n + c] -= f * m[k * n + c];
    }
  }
  return total;
}

describe('flow invertibility', () => {
  it('x -> z -> x round-trips within 1e-4', async () => {
    const model = new FlowModel(TINY, SHAPE, 1);
    randomise(model, 100, 0.1);
    const y = tf.randomUniform([3, 8, 8, 1], 0.001, 0.999, 'float32', 5) as tf.Tensor4D;
    const z = model.encode(y);
    const back = model.decode(z);
    const error = tf.tidy(() => tf.max(tf.abs(tf.sub(back, y))).dataSync()[0]);
    expect(error).toBeLessThan(1e-4);
    // and the map is far from the identity, so the check means something
    const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.reshape(z, [3, 8, 8, 1]), y))).dataSync()[0]);
    expect(moved).toBeGreaterThan(0.1);
    tf.dispose([y, z, back]);
    model.dispose();
  });

  it('the log-determinant equals log|det J| of the full map computed with tf.grad, on a 4x4 image', async () => {
    const model = new FlowModel({ width: 4, depth: 2 }, { height: 4, width: 4, channels: 1 }, 2);
    randomise(model, 200, 0.3);
    const y = tf.randomUniform([1, 4, 4, 1], 0.05, 0.95, 'float32', 9) as tf.Tensor4D;
    const d = 16;
    const jacobian = new Float64Array(d * d);
    for (let k = 0; k < d; k++) {
      const row = tf.tidy(() =>
        tf
          .grad((input: tf.Tensor) => tf.slice(model.encode(input as tf.Tensor4D), [0, k], [1, 1]).sum())(y)
          .dataSync(),
      );
      for (let j = 0; j < d; j++) jacobian[k * d + j] = row[j];
    }
    const numeric = logAbsDet(jacobian, d);
    const claimed = tf.tidy(() => {
      const { z, logp } = model.logDensity(y);
      // log p(y) = log N(z) + log|det|, so log|det| = log p(y) + 0.5 * sum(z^2 + log 2pi)
      return tf.add(logp, tf.mul(0.5, tf.sum(tf.add(tf.square(z), Math.log(2 * Math.PI))))).dataSync()[0];
    });
    expect(Math.abs(claimed - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
    // the couplings contribute: the determinant is not just the logit pre-processing's
    const diagonalOnly = Array.from({ length: d }, (_, i) => Math.log(Math.abs(jacobian[i * d + i]))).reduce((a, b) => a + b, 0);
    expect(Math.abs(diagonalOnly - numeric)).toBeGreaterThan(1e-3);
    y.dispose();
    model.dispose();
  });
});

describe('flow model', () => {
  it('scores a deterministic bound and samples with one evaluation', async () => {
    const model = FLOW.create(TINY, SHAPE, 1);
    const batch = randomImages(8, 8, 8, 3);
    const bpd = await model.bitsPerDim!(batch);
    expect(bpd.kind).toBe('bound');
    expect(bpd.value).toBeGreaterThan(0);
    expect((await model.bitsPerDim!(batch)).value).toBe(bpd.value); // deterministic evaluation
    expect(model.sampleCost({ seed: 0 }).networkEvals).toBe(1);
    batch.dispose();
    model.dispose();
  });

  it('temperature scales the latent: temperature 0 gives the mode image for every seed', async () => {
    const model = new FlowModel(TINY, SHAPE, 1);
    randomise(model, 300);
    const a = await model.sample(2, { seed: 1, temperature: 0 });
    const b = await model.sample(2, { seed: 2, temperature: 0 });
    const c = await model.sample(2, { seed: 1, temperature: 1 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, c]);
    model.dispose();
  });

  it('refuses sides not divisible by 4', () => {
    expect(() => FLOW.create({}, { height: 6, width: 6, channels: 1 }, 0)).toThrow(/divisible by 4/);
  });

  it('a few hundred steps on synthetic bars lower held-out bits/dim', async () => {
    const data = loadSynthetic({ count: 256, size: 8, seed: 1 });
    const model = FLOW.create({ width: 8, depth: 2, learningRate: 5e-3 }, SHAPE, 1);
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
