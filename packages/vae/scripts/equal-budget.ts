// Held-out bits/dim (ELBO, a bound) of vae, hvae and pcvae on `digits` at one
// equal training-FLOP budget. FLOPs per step are counted once per variant with
// countFlops on a real trainStep; steps = floor(budget / FLOPs per step).
// Usage: npx tsx packages/vae/scripts/equal-budget.ts [--budget 2e10] [--size s] [--batch 16] [--held-out 500] [--iw K] [--backend cpu]
import { countFlops, finishStep, trainSteps } from '@curtain/core';
import { BatchStream, loadDataset, sampleImages } from '@curtain/data';
// resolved through the workspace root: a script sits above every package
import { requestedBackend, selectBackend } from '@curtain/zoo';
import { VAE_ENTRIES } from '../src/index.ts';
import type { PyramidVae } from '../src/model.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const budget = Number(arg('budget', '2e10'));
const size = arg('size', 's');
const batchSize = Number(arg('batch', '16'));
const heldOutCount = Number(arg('held-out', '500'));
const iwSamples = Number(arg('iw', '0'));
const info = await selectBackend(requestedBackend(process.argv, process.env) ?? 'cpu');
const data = loadDataset('digits');
const heldOut = sampleImages(data.heldOut, heldOutCount, 7);
const shape = { height: 28, width: 28, channels: 1 };
console.log(
  `backend ${info.name} (${info.blas}); budget ${budget.toExponential(2)} FLOPs; size ${size}; batch ${batchSize}; held-out ${heldOutCount}`,
);
for (const entry of VAE_ENTRIES) {
  const model = entry.create({ ...entry.sizes[size], batchSize }, shape, 1) as PyramidVae;
  const stream = new BatchStream(data.train, batchSize, 1);
  const first = stream.next();
  const counted = await countFlops(() => model.trainStep(first));
  await finishStep(model, counted.result, 1, true);
  const flops = counted.total;
  first.dispose();
  const steps = Math.max(1, Math.floor(budget / flops));
  const start = performance.now();
  await trainSteps(model, { from: 1, to: steps, nextBatch: () => stream.next() });
  const seconds = (performance.now() - start) / 1000;
  const bpd = (await model.bitsPerDim(heldOut)).value;
  const iw = iwSamples > 0 ? (await model.iwBitsPerDim(heldOut, iwSamples)).value.toFixed(3) : '-';
  console.log(
    `${entry.variant}\tlevels ${model.levels}\tparams ${model.parameterCount()}\tGFLOPs/step ${(flops / 1e9).toFixed(3)}\tsteps ${steps}\t` +
      `train ${seconds.toFixed(0)} s\theld-out ELBO ${bpd.toFixed(3)} bits/dim\tIW-${iwSamples} ${iw}\tKL/level ${model
        .recentKlPerLevel()
        .map((k) => k.toFixed(1))
        .join(',')}\thealth ${await model.health()}`,
  );
  model.dispose();
}
heldOut.dispose();
