// Where a training step's time goes: `tsx benchmarks/src/engine/profile.ts
// [backend=native] [case filter] [steps=3]` prints the top kernels by wall time
// (tf.profile, averaged over steps) for each engine case; a filter of the form
// `paradigm:<variant filter>` profiles each paradigm's training step at its
// reference size and each of its samplers (sample(16), or sample(4) for the
// many-evaluation ones) instead; a fourth argument `train` skips the samplers.
import '@tensorflow/tfjs';
import { discardStep, readStepStats } from '@curtain/core';
import { BatchStream } from '@curtain/data';
import { PARADIGMS, selectBackend } from '@curtain/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { filterVariants, referenceConfig } from '../common.ts';
import { imageSetFor } from '../train.ts';
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
    const info = await tf.profile(async () => {
      await step();
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

function describe(label: string, stepMs: number, kernels: KernelShare[]): string {
  const top = kernels
    .slice(0, 12)
    .map((k) => `${k.kernel} ${k.ms.toFixed(1)} (${Math.round(k.calls)})`)
    .join(', ');
  return `${label}: ${stepMs.toFixed(1)} ms profiled; ${top}`;
}

async function profileParadigms(filter: string, steps: number, withSamplers: boolean): Promise<void> {
  const shape = { height: 28, width: 28, channels: 1 };
  const set = imageSetFor(28);
  for (const variant of filterVariants(Object.keys(PARADIGMS), filter)) {
    const entry = PARADIGMS[variant];
    const config = referenceConfig(entry);
    const model = entry.create(config, shape, 1);
    const stream = new BatchStream(set, config.batchSize, 7);
    const batch = stream.next();
    discardStep(model.trainStep(batch));
    const train = await profileStep(() => readStepStats(model.trainStep(batch)), steps);
    console.log(describe(`${variant} train step`, train.stepMs, train.kernels));
    for (const sampler of withSamplers ? entry.samplers : []) {
      const opts = { ...sampler.options, seed: 3 };
      const n = model.sampleCost(opts).networkEvals === 1 ? 16 : 4;
      const s = await profileStep(async () => tf.dispose(await model.sample(n, opts)), 1);
      console.log(describe(`${variant} ${sampler.label} sample(${n})`, s.stepMs, s.kernels));
    }
    batch.dispose();
    model.dispose();
  }
}

async function main(): Promise<void> {
  const [backend = 'native', filter = '', stepsArg = '3', only = ''] = process.argv.slice(2);
  await selectBackend(backend);
  if (filter.startsWith('paradigm:')) return profileParadigms(filter.slice('paradigm:'.length), Number(stepsArg), only !== 'train');
  for (const c of engineCases.filter((x) => x.name.includes(filter))) {
    const model = c.build();
    await model.step();
    const { stepMs, kernels } = await profileStep(() => model.step(), Number(stepsArg));
    console.log(describe(`${c.name} on ${backend}`, stepMs, kernels));
    model.dispose();
  }
}

if (process.argv[1]?.endsWith('profile.ts')) await main();
