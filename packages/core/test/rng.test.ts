import { describe, expect, it } from 'vitest';
import { SeededRng, tf, useCpuBackend } from '../src/index.ts';

describe('SeededRng', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const a = new SeededRng(7);
    const b = new SeededRng(7);
    const c = new SeededRng(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    const seqB = Array.from({ length: 20 }, () => b.nextUint32());
    const seqC = Array.from({ length: 20 }, () => c.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('draws standard normals with the right moments', () => {
    const rng = new SeededRng(1);
    const n = 50_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - mean * mean - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    new SeededRng(3).shuffle(items);
    expect([...items].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(items).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('gives seeds that tfjs random ops honour (verified, not assumed)', async () => {
    await useCpuBackend();
    const seed = new SeededRng(11).nextSeed();
    const a = tf.randomNormal([64], 0, 1, 'float32', seed);
    const b = tf.randomNormal([64], 0, 1, 'float32', seed);
    const c = tf.randomNormal([64], 0, 1, 'float32', seed + 1);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });
});
