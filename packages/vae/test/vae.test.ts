import { assertNoLeakAsync, tf, UsageError, useCpuBackend } from '@curtain/core';
import { maxWeightChange, snapshotWeights } from '@curtain/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HVAE, PCVAE, VAE } from '../src/index.ts';
import { createTiny, ENTRIES, TINY, TINY_SHAPE, tinyBatch, train } from './helpers.ts';

let batch: tf.Tensor4D;
beforeAll(async () => {
  await useCpuBackend();
  batch = tinyBatch(8);
});
afterAll(() => batch.dispose());

describe.each(ENTRIES)('$variant', (entry) => {
  it('is a vae-family entry with frozen JSON defaults and sizes smallest first', async () => {
    expect(entry.family).toBe('vae');
    expect(Object.isFrozen(entry.defaults)).toBe(true);
    expect(JSON.parse(JSON.stringify(entry.defaults))).toEqual(entry.defaults);
    const widths = Object.values(entry.sizes).map((s) => s.width as number);
    expect(widths).toEqual([...widths].sort((a, b) => a - b));
    expect(entry.sizes[entry.referenceSize]).toBeDefined();
  });

  it('a train step reports the bound in bits/dim and the KL of every level', async () => {
    const model = createTiny(entry);
    const stats = await train(model, batch);
    expect(stats.bpd).toBeGreaterThan(0);
    expect(stats.kl).toBeCloseTo(
      Array.from({ length: model.levels }, (_, i) => stats[`kl${i}`]).reduce((a, b) => a + b),
      4,
    );
    model.dispose();
  });

  it('bitsPerDim, iwBitsPerDim and sample change no weight, leak nothing and are deterministic', async () => {
    const model = createTiny(entry);
    await train(model, batch);
    const before = await snapshotWeights(model.variables());
    const bpd = await assertNoLeakAsync('bitsPerDim', () => model.bitsPerDim(batch));
    const iw = await assertNoLeakAsync('iwBitsPerDim', () => model.iwBitsPerDim(batch, 4));
    const images = await assertNoLeakAsync('sample', () => model.sample(5, { seed: 11 }), 1);
    expect(await maxWeightChange(before, model.variables())).toBe(0);
    expect(bpd.kind).toBe('bound');
    expect(iw.kind).toBe('bound');
    expect(Number.isFinite(bpd.value) && bpd.value > 0).toBe(true);
    expect(Number.isFinite(iw.value) && iw.value > 0).toBe(true);
    expect((await model.bitsPerDim(batch)).value).toBe(bpd.value);
    const again = await model.sample(5, { seed: 11 });
    expect(images.shape).toEqual([5, 8, 8, 1]);
    const values = images.dataSync();
    expect(values.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(again.dataSync())).toEqual(Array.from(values));
    const other = await model.sample(5, { seed: 12 });
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(values));
    tf.dispose([images, again, other]);
    model.dispose();
  });

  it('samples in chunks give the requested count', async () => {
    const model = createTiny(entry);
    const images = await model.sample(300, { seed: 1 });
    expect(images.shape).toEqual([300, 8, 8, 1]);
    images.dispose();
    expect(model.sampleCost({ seed: 1 }).networkEvals).toBe(1);
    model.dispose();
  });

  it('refuses image sides not divisible by 4 and batches of the wrong shape', async () => {
    expect(() => entry.create(TINY, { height: 10, width: 10, channels: 1 }, 1)).toThrow(UsageError);
    const model = createTiny(entry);
    const wrong = tf.zeros([2, 12, 12, 1]) as tf.Tensor4D;
    expect(() => model.trainStep(wrong)).toThrow(/expected a batch \[B, 8, 8, 1\]/);
    wrong.dispose();
    model.dispose();
  });
});

describe('config', () => {
  it('levels is a knob of hvae and pcvae only, limited to the pyramid the latent grid allows', async () => {
    expect(() => VAE.create({ levels: 2 } as never, TINY_SHAPE, 1)).toThrow(/unknown key 'levels'/);
    for (const entry of [HVAE, PCVAE]) {
      for (const levels of [1, 2, 3]) {
        const model = entry.create({ ...TINY, levels }, TINY_SHAPE, 1) as ReturnType<typeof createTiny>;
        expect(model.levels).toBe(levels);
        model.dispose();
      }
      expect(() => entry.create({ ...TINY, levels: 4 }, TINY_SHAPE, 1)).toThrow(/'levels' must be 1, 2 or 3/);
    }
  });
});
