import { tf, useCpuBackend } from '@curtain/core';
import { BatchStream, loadSynthetic } from '@curtain/data';
import { DDPM } from '../src/index.ts';
await useCpuBackend();
const data = loadSynthetic({ count: 64, size: 8, seed: 1 });
const m = DDPM.create({ width: 8, depth: 1, timesteps: 20, batchSize: 16 }, { height: 8, width: 8, channels: 1 }, 3);
const stream = new BatchStream(data.train, 16, 3);
for (let i = 0; i < 5; i++) {
  const b = stream.next();
  const t0 = performance.now();
  m.trainStep(b);
  console.log('step', performance.now() - t0);
  b.dispose();
}
const b = stream.next();
const prof = await tf.profile(() => { m.trainStep(b); });
const agg = new Map<string, number>();
for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log([...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10));
for (const k of prof.kernels.filter((k) => k.name === 'Conv2DBackpropFilter')) console.log(k.kernelTimeMs, JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes));
