import { DivergedError, tf, useCpuBackend } from '@curtain/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollapseMonitor, HVAE } from '../src/index.ts';
import { createTiny, tinyBatch, train } from './helpers.ts';

let batch: tf.Tensor4D;
beforeAll(async () => {
  await useCpuBackend();
  batch = tinyBatch(4);
});
afterAll(() => batch.dispose());

describe('CollapseMonitor', () => {
  it('says collapsed only after a full window with a level averaging below the threshold', async () => {
    const monitor = new CollapseMonitor(3, 0.1);
    monitor.record([5, 0.01]);
    monitor.record([5, 0.01]);
    expect(monitor.status()).toBe('ok');
    monitor.record([5, 0.01]);
    expect(monitor.collapsedLevels()).toEqual([1]);
    expect(monitor.status()).toBe('collapsed');
    monitor.record([5, 1]); // window average of level 1 rises above 0.1
    expect(monitor.status()).toBe('ok');
  });
});

describe('health()', () => {
  it('reports collapse when a posterior equals its prior, and ok while every level carries information', async () => {
    const model = createTiny(HVAE, { levels: 2, healthWindow: 3, learningRate: 0 });
    await train(model, batch, 3);
    expect(await model.health()).toBe('ok');
    // zero the posterior and prior heads: q = p = N(0, 1) at every level, KL = 0
    model.variables().forEach((v, i) => {
      const name = model.parameterNames()[i];
      if (/\/(posterior|prior)\//.test(name)) v.assign(tf.zerosLike(v));
    });
    for (let s = 0; s < 3; s++) expect((await train(model, batch)).kl).toBe(0);
    expect(await model.health()).toBe('collapsed');
    model.dispose();
  });
});

describe('divergence that stays finite', () => {
  it('observe() ends a hierarchy whose smoothed loss climbs back above its first reading after halving', async () => {
    const model = createTiny(HVAE, { levels: 2 });
    const kls = { kl0: 1, kl1: 1 };
    model.observe({ loss: 30, ...kls });
    for (let i = 0; i < 60; i++) model.observe({ loss: 5, ...kls });
    expect(() => model.observe({ loss: 25, ...kls })).not.toThrow();
    expect(() => model.observe({ loss: 4e6, ...kls })).toThrow(DivergedError);
    model.dispose();
  });
});
