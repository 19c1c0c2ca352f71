import { countFlops, selectBackend } from '@curtain/core';
import { BatchStream, loadDataset } from '@curtain/data';
import { PARADIGMS } from './registry.ts';
await selectBackend(process.argv[2] ?? 'native');
const data = loadDataset('digits');
for (const name of (process.argv[3] ?? 'gan,vae,hvae,pcvae,pixelcnn,flow,ddpm').split(',')) {
  const e = PARADIGMS[name];
  const m = e.create(e.sizes[Object.keys(e.sizes)[0]] as never, { height: 28, width: 28, channels: 1 }, 1);
  const s = new BatchStream(data.train, Number(m.config.batchSize), 1);
  const b = s.next(); m.trainStep(b);
  const t0 = performance.now(); m.trainStep(b); const ms = performance.now() - t0;
  const c = await countFlops(() => m.trainStep(b));
  const top = [...c.byKernel].sort((x, y) => y.ms - x.ms).slice(0, 8).map((k) => `${k.kernel}:${k.ms.toFixed(0)}ms/${k.calls}`).join(' ');
  console.log(`${name} batch ${m.config.batchSize} step ${ms.toFixed(0)} ms, ${(c.total / 1e9).toFixed(2)} GFLOP, ${(c.total / ms / 1e6).toFixed(2)} GFLOP/s | ${top}`);
  b.dispose(); m.dispose();
}
