import { discardStep, type GenerativeModel, readStepStats, tf, useCpuBackend } from '@curtain/core';
import { BatchStream, loadSynthetic } from '@curtain/data';
import { maxWeightChange, snapshotWeights } from '@curtain/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollapseMonitor, GAN, type GanModel, r1Penalty } from '../src/index.ts';

const shape = { height: 8, width: 8, channels: 1 };
const tiny = { width: 4, depth: 1, latentDim: 8, batchSize: 8 };
const data = loadSynthetic({ count: 32, size: 8, seed: 1 });
let model: GanModel;
let stream: BatchStream;

beforeAll(async () => {
  await useCpuBackend();
  model = GAN.create(tiny, shape, 7) as GanModel;
  stream = new BatchStream(data.train, 8, 1);
});
afterAll(() => model.dispose());

describe('GAN entry', () => {
  it('has a modest default size at 28x28, no likelihood, and refuses bad geometry or stabilisers', () => {
    const m = GAN.create({}, { height: 28, width: 28, channels: 1 }, 1) as GanModel;
    expect(m.parameterCount()).toBeGreaterThan(10_000);
    expect(m.parameterCount()).toBeLessThan(200_000);
    expect((m as GenerativeModel).bitsPerDim).toBeUndefined();
    m.dispose();
    expect(() => GAN.create(tiny, { height: 10, width: 10, channels: 1 }, 1)).toThrow(/divisible by 4/);
    expect(() => GAN.create({ stabiliser: 'magic' as never }, shape, 1)).toThrow(/stabiliser/);
  });
});

describe('GanModel', () => {
  it('one trainStep changes both networks and reports both losses', async () => {
    const batch = stream.next();
    const g = await snapshotWeights(model.generatorVariables());
    const d = await snapshotWeights(model.discriminatorVariables());
    const stats = await readStepStats(model.trainStep(batch));
    expect(Object.keys(stats).sort()).toEqual(['d_adv', 'd_fake', 'd_loss', 'd_real', 'loss', 'r1']);
    expect(await maxWeightChange(g, model.generatorVariables())).toBeGreaterThan(0);
    expect(await maxWeightChange(d, model.discriminatorVariables())).toBeGreaterThan(0);
    batch.dispose();
  });

  it("the discriminator's half leaves G alone and the generator's half leaves D alone", async () => {
    const batch = stream.next();
    let g = await snapshotWeights(model.generatorVariables());
    let d = await snapshotWeights(model.discriminatorVariables());
    discardStep(model.discriminatorStep(batch));
    expect(await maxWeightChange(g, model.generatorVariables())).toBe(0);
    expect(await maxWeightChange(d, model.discriminatorVariables())).toBeGreaterThan(0);
    g = await snapshotWeights(model.generatorVariables());
    d = await snapshotWeights(model.discriminatorVariables());
    discardStep(model.generatorStep(8));
    expect(await maxWeightChange(d, model.discriminatorVariables())).toBe(0);
    expect(await maxWeightChange(g, model.generatorVariables())).toBeGreaterThan(0);
    batch.dispose();
  });

  it('sampling is one evaluation and another seed gives other images', async () => {
    const a = await model.sample(5, { seed: 3 });
    const c = await model.sample(5, { seed: 4 });
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(model.sampleCost({ seed: 0 }).networkEvals).toBe(1);
    tf.dispose([a, c]);
  });

  it('the R1 penalty has the right gradient with respect to D weights (second-order autodiff)', () => {
    const real = stream.next();
    const vars = model.discriminatorVariables();
    const penalty = () => r1Penalty(model.discriminator, real, 10);
    const { grads } = tf.variableGrads(penalty, vars);
    const weight = vars[0]; // d/down1/w
    const analytic = grads[weight.name].dataSync();
    const original = Float32Array.from(weight.dataSync());
    for (const index of [0, 5, 11]) {
      const eps = 1e-3; // small enough that no leaky-ReLU kink is crossed
      const at = (delta: number) => {
        const changed = Float32Array.from(original);
        changed[index] += delta;
        weight.assign(tf.tensor(changed, weight.shape));
        return tf.tidy(() => penalty().dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(numeric - analytic[index])).toBeLessThan(0.05 * Math.abs(analytic[index]) + 1e-3);
    }
    weight.assign(tf.tensor(original, weight.shape));
    tf.dispose([real, ...Object.values(grads)]);
  });
});

describe('GAN health', () => {
  it('identical samples (a constant generator) are reported as collapsed', async () => {
    const m = GAN.create(tiny, shape, 2) as GanModel;
    expect(await m.health()).toBe('ok');
    for (const v of m.generatorVariables()) v.assign(tf.zerosLike(v));
    expect(await m.health()).toBe('collapsed');
    expect(m.healthReason).toMatch(/identical/);
    m.dispose();
  });

  it('a discriminator loss pinned near zero for the window counts as collapse; one normal step resets it', () => {
    const monitor = new CollapseMonitor(5, 0.01);
    for (let i = 0; i < 4; i++) monitor.observe(0.001);
    expect(monitor.status(1, 0.01)).toBe('ok');
    monitor.observe(0.5);
    for (let i = 0; i < 4; i++) monitor.observe(0.001);
    expect(monitor.status(1, 0.01)).toBe('ok');
    monitor.observe(0.001);
    expect(monitor.status(1, 0.01)).toBe('collapsed');
    expect(monitor.reason).toMatch(/discriminator loss/);
  });
});
