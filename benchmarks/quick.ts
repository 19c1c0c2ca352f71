import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { registerNativeBackend } from '@curtain/backend-native';
import { engineCases } from './src/engine/cases.ts';
registerNativeBackend(); registerNativeBackend({ name: 'native-bundled', gemm: 'bundled' });
for (const be of (process.argv[2] ?? 'native,native-bundled').split(',')) {
  await tf.setBackend(be);
  for (const c of engineCases) {
    const m = c.build(); m.step(); m.step();
    const n = 20; const t0 = performance.now(); let l = 0;
    for (let i = 0; i < n; i++) l = m.step();
    const ms = (performance.now() - t0) / n;
    console.log(be, c.name, ms.toFixed(1), 'ms/step', (c.batch * 1000 / ms).toFixed(0), 'ex/s', (c.flopsPerStep / ms / 1e6).toFixed(1), 'GFLOP/s loss', l.toFixed(4), 'tensors', tf.memory().numTensors);
    if (process.env.PROF) { const p = await tf.profile(() => { m.step(); }); const agg: Record<string, number> = {}; for (const k of p.kernels) agg[k.name] = (agg[k.name] ?? 0) + (k.kernelTimeMs as number); console.log(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')); }
    m.dispose();
  }
}
