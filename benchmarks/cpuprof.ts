import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { registerNativeBackend } from '@curtain/backend-native';
import { engineCases } from './src/engine/cases.ts';
const be = process.argv[2] ?? 'native';
registerNativeBackend({ name: be, gemm: be === 'native-bundled' ? 'bundled' : 'openblas' });
const agg: Record<string, [number, number]> = {};
for (const k of tf.getKernelsForBackend(be)) {
  const f = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, be);
  tf.registerKernel({ ...k, kernelFunc: (args) => { const c0 = process.cpuUsage(); const r = f(args); const c = process.cpuUsage(c0); const a = (agg[k.kernelName] ??= [0, 0]); a[0] += (c.user + c.system) / 1000; a[1]++; return r; } });
}
await tf.setBackend(be);
for (const c of engineCases) {
  const m = c.build(); for (let i = 0; i < 3; i++) m.step();
  for (const k of Object.keys(agg)) delete agg[k];
  const n = 10; const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) m.step();
  const cu = process.cpuUsage(c0);
  const sum = Object.values(agg).reduce((s, a) => s + a[0], 0) / n;
  console.log(c.name, 'cpu/step', ((cu.user + cu.system) / 1000 / n).toFixed(1), 'ms, in kernels', sum.toFixed(1));
  console.log(Object.entries(agg).sort((a, b) => b[1][0] - a[1][0]).slice(0, 14).map(([k, v]) => `${k} ${(v[0] / n).toFixed(2)} (${v[1] / n})`).join(', '));
  m.dispose();
}
