import { tf } from '@curtain/core';
import { loadDataset, sampleImages } from '@curtain/data';
import { describe, expect, it } from 'vitest';
import { metricsJudge, PRESETS, seedFromKey } from '../src/index.ts';

describe('KID subsets seeded from the run key', () => {
  const dataset = loadDataset('digits');
  const preset = { ...PRESETS.smoke, evalSamples: 40, kidSubsets: 3 };

  it('gives one run key the same KID whatever the judge scored before (a resume or another shard order)', async () => {
    const images = sampleImages(dataset.heldOut, 40, 7);
    const other = sampleImages(dataset.heldOut, 40, 8);
    const key = 'a3f09c1d22b7e410';
    const first = await metricsJudge(dataset, preset).judge(images, seedFromKey(key));
    const resumed = metricsJudge(dataset, preset);
    await resumed.judge(other, seedFromKey('0b9e77aa13c4d5e6'));
    const again = await resumed.judge(images, seedFromKey(key));
    expect(again.kid).toBe(first.kid);
    expect(again.kidStd).toBe(first.kidStd);
    // the seed matters: another key draws other subsets
    expect((await resumed.judge(images, seedFromKey('ffff0000ffff0000'))).kid).not.toBe(first.kid);
    expect(first.classConfident).toBeGreaterThan(0.5);
    expect(first.classScore).toBeGreaterThan(2);
    tf.dispose([images, other]);
  }, 60_000);
});
