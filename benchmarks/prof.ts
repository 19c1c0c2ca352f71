import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { registerNativeBackend } from '@curtain/backend-native';
import { engineCases } from './src/engine/cases.ts';
registerNativeBackend();
await tf.setBackend(process.argv[2] ?? 'native');
for (const c of engineCases) {
  const m = c.build(); m.step(); m.step();
  const agg: Record<string, [number, number]> = {};
  let total = 0;
  const N = 5;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const p = await tf.profile(() => { m.step(); });
    total += performance.now() - t0;
    for (const k of p.kernels) { const a = (agg[k.name] ??= [0, 0]); a[0] += (k.kernelTimeMs as number) / N; a[1] += 1 / N; }
  }
  const sum = Object.values(agg).reduce((s, a) => s + a[0], 0);
  console.log(c.name, 'profiled step', (total / N).toFixed(1), 'ms; kernel sum', sum.toFixed(1), 'ms; kernels/step', Object.values(agg).reduce((s, a) => s + a[1], 0));
  console.log(Object.entries(agg).sort((a, b) => b[1][0] - a[1][0]).slice(0, 14).map(([k, v]) => `${k} ${v[0].toFixed(2)} (${v[1]})`).join(', '));
  m.dispose();
  console.log('tensors after dispose', tf.memory().numTensors);
}
