import { useCpuBackend, tf, countFlops } from '@curtain/core';
import { loadSynthetic, BatchStream } from '@curtain/data';
import { VAE, HVAE, PCVAE } from './src/index.ts';
await useCpuBackend();
const shape = { height: 28, width: 28, channels: 1 };
for (const entry of [VAE, HVAE, PCVAE]) {
  for (const [size, over] of Object.entries(entry.sizes)) {
    const m = entry.create({ ...over, batchSize: 32 }, shape, 1);
    const x = tf.zeros([32, 28, 28, 1]) as tf.Tensor4D;
    const t0 = performance.now();
    const f = await countFlops(() => m.trainStep(x));
    console.log(entry.variant, size, 'params', (m as any).parameterCount(), 'GFLOPs', (f.total / 1e9).toFixed(3), 'ms', (performance.now() - t0).toFixed(0));
    x.dispose(); m.dispose();
  }
}
