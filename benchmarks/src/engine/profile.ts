// Where a training step's time goes: `tsx benchmarks/src/engine/profile.ts
// [backend=native] [case filter] [steps=3]` prints the top kernels by wall time
// (tf.profile, averaged over steps) for each engine case.
import '@tensorflow/tfjs';
import { selectBackend } from '@curtain/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { engineCases } from './cases.ts';

export interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
}

export async function profileStep(step: () => unknown, steps = 3): Promise<{ stepMs: number; kernels: KernelShare[] }> {
  const agg = new Map<string, KernelShare>();
  let total = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(() => {
      step();
    });
    total += performance.now() - t0;
    for (const k of info.kernels) {
      const a = agg.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
      a.ms += (k.kernelTimeMs as number) / steps;
      a.calls += 1 / steps;
      agg.set(k.name, a);
    }
  }
  return { stepMs: total / steps, kernels: [...agg.values()].sort((a, b) => b.ms - a.ms) };
}

async function main(): Promise<void> {
  const [backend = 'native', filter = '', stepsArg = '3'] = process.argv.slice(2);
  await selectBackend(backend);
  for (const c of engineCases.filter((x) => x.name.includes(filter))) {
    const model = c.build();
    model.step();
    const { stepMs, kernels } = await profileStep(() => model.step(), Number(stepsArg));
    const top = kernels
      .slice(0, 12)
      .map((k) => `${k.kernel} ${k.ms.toFixed(1)} (${Math.round(k.calls)})`)
      .join(', ');
    console.log(`${c.name} on ${backend}: ${stepMs.toFixed(1)} ms/step profiled; ${top}`);
    model.dispose();
  }
}

if (process.argv[1]?.endsWith('profile.ts')) await main();
