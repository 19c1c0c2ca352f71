import { useCpuBackend } from '@curtain/core';
import { BatchStream, imagesToTensor, loadSynthetic } from '@curtain/data';
import { HVAE } from './src/index.ts';
await useCpuBackend();
const data = loadSynthetic({ count: 128, size: 8, seed: 4 });
const heldOut = imagesToTensor(data.heldOut);
const model: any = HVAE.create({ width: 8, depth: 1, latentChannels: 2, batchSize: 16, learningRate: 3e-3 }, { height: 8, width: 8, channels: 1 }, 2);
let t = performance.now();
console.log('before', model.bitsPerDim(heldOut).value, performance.now() - t);
const stream = new BatchStream(data.train, 16, 1);
for (let s = 0; s < 40; s++) {
  const b = stream.next(); t = performance.now();
  const st = model.trainStep(b); b.dispose();
  if (s % 5 === 0) console.log(s, (performance.now() - t).toFixed(0), JSON.stringify(st));
}
t = performance.now();
console.log('after', model.bitsPerDim(heldOut).value, performance.now() - t);
