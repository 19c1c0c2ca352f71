import { assertNoLeak, tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchStream, dequantize, loadSynthetic } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

describe('batches', () => {
  const dataset = loadSynthetic({ count: 40, size: 8, seed: 5 });

  it('is deterministic for a seed and float32 in [0,1] on the 8-bit grid', () => {
    const a = new BatchStream(dataset.train, 16, 3);
    const b = new BatchStream(dataset.train, 16, 3);
    const c = new BatchStream(dataset.train, 16, 4);
    for (let i = 0; i < 4; i++) {
      const [x, y, z] = [a.next(), b.next(), c.next()];
      expect(x.shape).toEqual([16, 8, 8, 1]);
      expect(x.dtype).toBe('float32');
      const values = x.dataSync();
      expect(Array.from(values)).toEqual(Array.from(y.dataSync()));
      if (i === 0) expect(Array.from(values)).not.toEqual(Array.from(z.dataSync()));
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
      }
      tf.dispose([x, y, z]);
    }
    expect(a.epoch).toBeGreaterThan(0);
  });

  it('dequantises into the right bin, deterministically, without leaks', () => {
    const stream = new BatchStream(dataset.train, 8, 1);
    const batch = stream.next();
    const d1 = assertNoLeak('dequantize', () => dequantize(batch, 9), 1);
    const d2 = dequantize(batch, 9);
    const x = batch.dataSync();
    const d = d1.dataSync();
    expect(Array.from(d)).toEqual(Array.from(d2.dataSync()));
    for (let i = 0; i < x.length; i++) {
      const k = Math.round(x[i] * 255);
      expect(d[i]).toBeGreaterThanOrEqual(k / 256);
      expect(d[i]).toBeLessThan((k + 1) / 256);
    }
    tf.dispose([batch, d1, d2]);
  });

  it('synthetic data is deterministic by seed', () => {
    const again = loadSynthetic({ count: 40, size: 8, seed: 5 });
    expect(Buffer.compare(Buffer.from(again.train.images), Buffer.from(dataset.train.images))).toBe(0);
    expect(new Set(dataset.train.labels).size).toBeGreaterThan(5);
  });
});
