import { countFlops, discardStep, tf, useCpuBackend } from '@curtain/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_SEED, HVAE, PCVAE, VAE } from '../src/index.ts';
import type { PyramidVae } from '../src/model.ts';
import { createTiny, tinyBatch, train } from './helpers.ts';

let batch: tf.Tensor4D;
beforeAll(async () => {
  await useCpuBackend();
  batch = tinyBatch(8);
});
afterAll(() => batch.dispose());

const shapes = (model: PyramidVae) => model.variables().map((v, i) => `${model.parameterNames()[i]}:${v.shape.join('x')}`);
const values = (model: PyramidVae) => model.variables().map((v) => Array.from(v.dataSync()));

describe('with one level', () => {
  it('hvae and pcvae are the plain vae: same weights, same bound, same training step', async () => {
    const models = [createTiny(VAE, {}, 5), createTiny(HVAE, { levels: 1 }, 5), createTiny(PCVAE, { levels: 1 }, 5)];
    const [vae, ...others] = models;
    for (const other of others) {
      expect(shapes(other)).toEqual(shapes(vae));
      expect(values(other)).toEqual(values(vae));
      expect((await other.bitsPerDim(batch)).value).toBe((await vae.bitsPerDim(batch)).value);
    }
    const steps = await Promise.all(models.map((m) => train(m, batch)));
    expect(steps[1].loss).toBe(steps[0].loss);
    expect(steps[2].loss).toBe(steps[0].loss);
    expect(values(models[2])).toEqual(values(vae));
    for (const m of models) m.dispose();
  });
});

describe('hvae and pcvae at three levels', () => {
  it('share every layer shape and differ in what they compute', async () => {
    const hvae = createTiny(HVAE, { levels: 3 }, 5);
    const pcvae = createTiny(PCVAE, { levels: 3 }, 5);
    expect(shapes(pcvae)).toEqual(shapes(hvae));
    expect(values(pcvae)).toEqual(values(hvae));
    expect((await pcvae.bitsPerDim(batch)).value).not.toBe((await hvae.bitsPerDim(batch)).value);
    hvae.dispose();
    pcvae.dispose();
  });

  it('levels run coarsest first over the resolution pyramid: a global top latent, spatial latents on the H/4 grid below', () => {
    const model = createTiny(PCVAE, { levels: 3, globalLatents: 5 });
    tf.tidy(() => {
      const pass = model.network.pass({ x: batch, seed: 1 });
      expect(pass.levels.map((l) => l.output.shape[1])).toEqual([2, 4, 8]);
      expect(pass.levels.map((l) => l.z.shape)).toEqual([
        [8, 1, 1, 5],
        [8, 2, 2, 2],
        [8, 2, 2, 2],
      ]);
      // the prior of the global latent is N(0, I); the spatial levels' priors depend on the levels above
      const prior = model.network.pass({ n: 3, seed: 2 });
      expect(prior.levels[0].z.shape).toEqual([3, 1, 1, 5]);
      expect(Array.from(prior.levels[0].muP.dataSync()).every((v) => v === 0)).toBe(true);
      expect(pass.levels[0].prediction).toBeNull();
      expect(pass.levels[1].prediction?.shape).toEqual([8, 4, 4, 1]);
    });
    model.dispose();
  });

  it('pcvae: a level whose decoded residual is zero outputs the prediction exactly; hvae outputs zeros', async () => {
    const pcvae = createTiny(PCVAE, { levels: 3 });
    const hvae = createTiny(HVAE, { levels: 3 });
    for (const level of [1, 2]) {
      tf.tidy(() => {
        const pc = pcvae.network.pass({ x: batch, seed: 3, zeroDecodedAt: level }).levels[level];
        const prediction = pc.prediction as tf.Tensor4D;
        expect(tf.max(tf.abs(prediction)).dataSync()[0]).toBeGreaterThan(0);
        expect(Array.from(pc.output.dataSync())).toEqual(Array.from(prediction.dataSync()));
        // without forcing, the decoded residual is added to the prediction
        const free = pcvae.network.pass({ x: batch, seed: 3 }).levels[level];
        const sum = tf.add(free.prediction as tf.Tensor4D, free.decoded);
        expect(Array.from(free.output.dataSync())).toEqual(Array.from(sum.dataSync()));
        const plain = hvae.network.pass({ x: batch, seed: 3, zeroDecodedAt: level }).levels[level];
        expect(tf.max(tf.abs(plain.output)).dataSync()[0]).toBe(0);
      });
    }
    // the residual decoder itself: zeroing its head makes every latent decode to a zero residual
    const head = pcvae.variables().filter((_, i) => pcvae.parameterNames()[i].startsWith('level1/dec/head'));
    expect(head.length).toBe(2);
    for (const v of head) v.assign(tf.zerosLike(v));
    tf.tidy(() => {
      const level = pcvae.network.pass({ n: 4, seed: 9 }).levels[1];
      expect(tf.max(tf.abs(level.decoded)).dataSync()[0]).toBe(0);
      expect(Array.from(level.output.dataSync())).toEqual(Array.from((level.prediction as tf.Tensor4D).dataSync()));
    });
    pcvae.dispose();
    hvae.dispose();
  });

  it('pcvae: the posterior sees the prediction error, hvae the image at that scale', async () => {
    for (const model of [createTiny(PCVAE, { levels: 3 }), createTiny(HVAE, { levels: 3 })]) {
      tf.tidy(() => {
        const pyramid = model.network.imagePyramid(batch);
        const pass = model.network.pass({ x: batch, seed: 2 });
        for (const i of [1, 2]) {
          const level = pass.levels[i];
          const residual = tf.sub(pyramid[i], level.prediction as tf.Tensor4D) as tf.Tensor4D;
          const [seen, unseen] = model.coding === 'predictive' ? [residual, pyramid[i]] : [pyramid[i], residual];
          expect(Array.from((level.target as tf.Tensor4D).dataSync())).toEqual(Array.from(seen.dataSync()));
          const [muSeen] = model.network.posterior(i, seen, level.context);
          const [muUnseen] = model.network.posterior(i, unseen, level.context);
          expect(Array.from((level.muQ as tf.Tensor4D).dataSync())).toEqual(Array.from(muSeen.dataSync()));
          expect(tf.max(tf.abs(tf.sub(muSeen, muUnseen))).dataSync()[0]).toBeGreaterThan(0);
        }
        // the coarsest level has no prediction: both code the coarsest image
        expect(Array.from((pass.levels[0].target as tf.Tensor4D).dataSync())).toEqual(Array.from(pyramid[0].dataSync()));
      });
      model.dispose();
    }
  });
});

describe('the auxiliary per-scale loss and the treatment check', () => {
  it('both hierarchies pay the same per-scale term, in the training loss only, never in the bound', async () => {
    for (const entry of [HVAE, PCVAE]) {
      const [weighted, unweighted] = [200, 0].map((w) => createTiny(entry, { levels: 3, predictionLossWeight: w }, 5));
      expect((await weighted.bitsPerDim(batch)).value).toBe((await unweighted.bitsPerDim(batch)).value);
      tf.tidy(() => {
        const pass = weighted.network.pass({ x: batch, seed: 4 });
        const pyramid = pass.pyramid as tf.Tensor4D[];
        const expected = [0, 1].reduce((sum, i) => sum + tf.sum(tf.square(tf.sub(pyramid[i], pass.levels[i].output))).dataSync()[0], 0);
        expect(tf.sum(weighted.scaleLoss(pass) as tf.Tensor).dataSync()[0]).toBeCloseTo(200 * expected, 2);
        expect(unweighted.scaleLoss(pass)).toBeNull();
      });
      const [a, b] = [await train(weighted, batch), await train(unweighted, batch)];
      expect(a.scale_loss).toBeGreaterThan(0);
      expect(a.loss).toBeGreaterThan(b.loss);
      weighted.dispose();
      unweighted.dispose();
    }
  });

  it('the treatment check is the prediction error energy over the signal variance, levels 2..L', async () => {
    const model = createTiny(HVAE, { levels: 3 });
    const manual = tf.tidy(() => {
      const pass = model.network.pass({ x: batch, seed: EVAL_SEED });
      const pyramid = pass.pyramid as tf.Tensor4D[];
      const ratio = (i: number) =>
        tf.mean(tf.square(tf.sub(pyramid[i], pass.levels[i].prediction as tf.Tensor4D))).dataSync()[0] /
        tf.moments(pyramid[i]).variance.dataSync()[0];
      return (ratio(1) + ratio(2)) / 2;
    });
    expect(await model.predictionErrorRatio(batch)).toBeCloseTo(manual, 5);
    const single = createTiny(VAE);
    expect(await single.predictionErrorRatio(batch)).toBeNaN();
    single.dispose();
    model.dispose();
  });
});

async function stepFlops(model: PyramidVae, x: tf.Tensor4D): Promise<number> {
  const { total, result } = await countFlops(() => model.trainStep(x));
  discardStep(result);
  return total;
}

describe('compute', () => {
  it('hvae and pcvae cost the same training FLOPs per step (within 2%) at 28x28, smallest size', async () => {
    const shape = { height: 28, width: 28, channels: 1 };
    const smallest = Object.keys(HVAE.sizes)[0];
    const x = tf.fill([2, 28, 28, 1], 0.5) as tf.Tensor4D;
    const hvae = HVAE.create({ ...HVAE.sizes[smallest], batchSize: 2 }, shape, 1) as PyramidVae;
    const pcvae = PCVAE.create({ ...PCVAE.sizes[smallest], batchSize: 2 }, shape, 1) as PyramidVae;
    const [h, p] = [await stepFlops(hvae, x), await stepFlops(pcvae, x)];
    expect(h).toBeGreaterThan(0);
    expect(Math.abs(p - h) / h).toBeLessThan(0.02);
    hvae.dispose();
    pcvae.dispose();
    x.dispose();
  });

  it.each(Object.keys(HVAE.sizes))('hvae and pcvae cost the same training FLOPs per step at size %s (8x8, batch 1)', async (size) => {
    const shape = { height: 8, width: 8, channels: 1 };
    const hvae = HVAE.create({ ...HVAE.sizes[size], batchSize: 1 }, shape, 1) as PyramidVae;
    const pcvae = PCVAE.create({ ...PCVAE.sizes[size], batchSize: 1 }, shape, 1) as PyramidVae;
    const x = tinyBatch(1);
    const [h, p] = [await stepFlops(hvae, x), await stepFlops(pcvae, x)];
    expect(p).not.toBe(h); // the residual's subtraction and addition are counted
    expect(Math.abs(p - h) / h).toBeLessThan(0.1);
    for (const m of [hvae, pcvae]) m.dispose();
    x.dispose();
  });

  it('the hierarchy is not free: three levels cost more than one', async () => {
    const hvae = createTiny(HVAE, { levels: 3 });
    const flat = createTiny(VAE);
    expect(await stepFlops(flat, batch)).toBeLessThan(await stepFlops(hvae, batch));
    hvae.dispose();
    flat.dispose();
  });
});
