// The treatment check on real digits: after a short run, pcvae's coarser
// levels predict the finer images (held-out prediction_error_ratio < 0.5).
// Before the per-scale loss existed, the coarse outputs were unconstrained
// and the residual carried more energy than the signal (ratio > 1).
// (It lives in zoo because it needs the fastest backend, which zoo selects.)
import { tf, trainSteps } from '@curtain/core';
import { BatchStream, imagesToTensor, loadDataset } from '@curtain/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARADIGMS, selectBackend } from '../src/index.ts';

beforeAll(async () => {
  // the fastest backend available (native where built): 28x28 training on stock cpu is far slower
  await selectBackend(process.env.CURTAIN_BACKEND);
});

describe('pcvae on digits', () => {
  it('codes prediction errors after a short run: held-out prediction_error_ratio falls below 0.5', async () => {
    const data = loadDataset('digits');
    const heldOut = imagesToTensor(
      data.heldOut,
      Array.from({ length: 128 }, (_, i) => i),
    );
    const config = { width: 8, batchSize: 16, learningRate: 4e-3 };
    const model = PARADIGMS.pcvae.create(config as never, { height: 28, width: 28, channels: 1 }, 1);
    const ratio = (x: tf.Tensor4D) => (model.predictionErrorRatio as (batch: tf.Tensor4D) => Promise<number>)(x);
    const before = await ratio(heldOut);
    const stream = new BatchStream(data.train, config.batchSize, 1);
    await trainSteps(model, { from: 0, to: 150, nextBatch: () => stream.next() });
    const after = await ratio(heldOut);
    expect(before).toBeGreaterThan(1);
    expect(after).toBeLessThan(0.5);
    tf.dispose(heldOut);
    model.dispose();
  }, 120_000);
});
