import { useCpuBackend } from '@curtain/core';
import { loadDataset } from '@curtain/data';
import { loadEvaluator } from './src/index.ts';
await useCpuBackend();
for (const d of ['digits', 'fashion-mnist']) {
  const e = loadEvaluator(d); const ds = loadDataset(d);
  console.log(d, e.id, 'first 1000', e.accuracy(ds.heldOut, 1000), 'all', e.accuracy(ds.heldOut), ds.heldOut.count);
  e.dispose();
}
