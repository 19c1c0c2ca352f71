import { countFlops, tf, useCpuBackend } from '@curtain/core';
import { BatchStream, loadDataset } from '@curtain/data';
import { PIXELCNN } from '../autoregressive/src/index.ts';
import { FLOW } from './src/index.ts';
await useCpuBackend();
const data = loadDataset('digits');
const shape = { height: data.train.height, width: data.train.width, channels: 1 };
for (const entry of [FLOW, PIXELCNN]) {
  const model = entry.create({}, shape, 1);
  const params = model.variables().reduce((n, v) => n + v.size, 0);
  const stream = new BatchStream(data.train, entry.defaults.batchSize, 1);
  const batch = stream.next();
  const f = await countFlops(() => model.trainStep(batch));
  let t = performance.now();
  for (let i = 0; i < 2; i++) model.trainStep(batch);
  const msStep = (performance.now() - t) / 2;
  const n = entry === FLOW ? 64 : 4;
  t = performance.now();
  const s = model.sample(n, { seed: 1 });
  const msSample = (performance.now() - t) / n;
  console.log(entry.variant, JSON.stringify({ params, flopsPerStep: f.total, msStep: Math.round(msStep), msPerSample: Math.round(msSample), sampleBatch: n, min: tf.min(s).dataSync()[0], max: tf.max(s).dataSync()[0] }));
  s.dispose(); batch.dispose(); model.dispose();
}
