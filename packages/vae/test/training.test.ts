import { useCpuBackend } from '@curtain/core';
import { BatchStream, imagesToTensor, loadSynthetic } from '@curtain/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTiny, ENTRIES, train } from './helpers.ts';

beforeAll(async () => {
  await useCpuBackend();
});

describe.each(ENTRIES)('$variant training', (entry) => {
  it('a short run on synthetic 8x8 bars lowers the held-out ELBO (bits/dim)', async () => {
    const data = loadSynthetic({ count: 128, size: 8, seed: 4 });
    const heldOut = imagesToTensor(data.heldOut);
    const model = createTiny(entry, { width: 8, batchSize: 16, learningRate: 3e-3 }, 2);
    const before = (await model.bitsPerDim(heldOut)).value;
    const stream = new BatchStream(data.train, 16, 1);
    for (let s = 0; s < 40; s++) {
      const batch = stream.next();
      await train(model, batch);
      batch.dispose();
    }
    const after = (await model.bitsPerDim(heldOut)).value;
    expect(after).toBeLessThan(before - 0.5);
    expect(await model.health()).not.toBe('diverged');
    heldOut.dispose();
    model.dispose();
  });
});
