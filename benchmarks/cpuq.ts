import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { registerNativeBackend } from '@curtain/backend-native';
import { engineCases } from './src/engine/cases.ts';
registerNativeBackend(); registerNativeBackend({ name: 'native-bundled', gemm: 'bundled' });
for (const be of (process.argv[2] ?? 'native,native-bundled').split(',')) {
  await tf.setBackend(be);
  for (const c of engineCases) {
    const m = c.build(); for (let i = 0; i < 3; i++) m.step();
    const n = 20; const c0 = process.cpuUsage(); const t0 = performance.now();
    for (let i = 0; i < n; i++) m.step();
    const cu = process.cpuUsage(c0); const wall = (performance.now() - t0) / n;
    console.log(be, c.name, 'wall', wall.toFixed(1), 'cpu', ((cu.user + cu.system) / 1000 / n).toFixed(1), 'ms/step');
    m.dispose();
  }
}
