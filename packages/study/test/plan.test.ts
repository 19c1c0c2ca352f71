import { describe, expect, it } from 'vitest';
import { evalSamplesOf, machineKey, planJobs, plannedSamplingFlops, runKey } from '../src/index.ts';
import { TOY } from './fixtures/toy-paradigm.ts';
import { TOY_PRESET } from './fixtures/toy-study.ts';

const host = { host_cpu: 'Xeon', host_cores: 2, backend: 'native', blas: 'openblas', threads: 2 };

describe('run keys', () => {
  it('are the same for the same machine and differ on other hardware, so a clone there regenerates rows', () => {
    const here = { dataset: 'digits', evaluatorId: 'e', machine: machineKey(host) };
    const again = { ...here, machine: machineKey({ ...host }) };
    const elsewhere = { ...here, machine: machineKey({ ...host, host_cpu: 'EPYC', host_cores: 16 }) };
    const otherBackend = { ...here, machine: machineKey({ ...host, backend: 'cpu', blas: 'none (JavaScript)', threads: 1 }) };
    const key = (context: typeof here) => {
      const [job] = planJobs(TOY_PRESET, { toy: TOY }, context);
      return runKey(job, TOY_PRESET.budgets[0], job.samplers[0], TOY_PRESET, context);
    };
    expect(key(again)).toBe(key(here));
    expect(key(elsewhere)).not.toBe(key(here));
    expect(key(otherBackend)).not.toBe(key(here));
  });
});

describe('what a preset plans per variant', () => {
  const context = { dataset: 'digits', evaluatorId: 'e', machine: machineKey(host) };
  const sizes = Object.keys(TOY.sizes);
  const twoSamplers = { ...TOY, samplers: [...TOY.samplers, { label: 'alt', options: {} }] };
  const labels = twoSamplers.samplers.map((s) => s.label);

  it('trains the listed sizes where a preset lists them, else the first sizeCount', () => {
    const listed = planJobs({ ...TOY_PRESET, sizeCount: 1, sizes: { toy: [sizes[1]] } }, { toy: TOY }, context);
    expect([...new Set(listed.map((j) => j.size))]).toEqual([sizes[1]]);
    const counted = planJobs({ ...TOY_PRESET, sizeCount: 2 }, { toy: TOY }, context);
    expect([...new Set(counted.map((j) => j.size))]).toEqual(sizes.slice(0, 2));
    expect(() => planJobs({ ...TOY_PRESET, sizes: { toy: ['xxl'] } }, { toy: TOY }, context)).toThrow(/toy has no size 'xxl'/);
  });

  it('leaves out skipped samplers, and refuses to leave a variant none', () => {
    const [job] = planJobs({ ...TOY_PRESET, samplers: 'all', skipSamplers: [`toy:${labels[0]}`] }, { toy: twoSamplers }, context);
    expect(job.samplers.map((s) => s.label)).toEqual(labels.slice(1));
    const [first] = planJobs({ ...TOY_PRESET, samplers: 'first', skipSamplers: [`toy:${labels[0]}`] }, { toy: twoSamplers }, context);
    expect(first.samplers.map((s) => s.label)).toEqual([labels[1]]);
    const skipAll = { ...TOY_PRESET, skipSamplers: labels.map((l) => `toy:${l}`) };
    expect(() => planJobs(skipAll, { toy: twoSamplers }, context)).toThrow(/leaves toy no sampler/);
  });

  it('scores a variant on its own sample count, capped by evalSamples, and keys its rows by it', () => {
    const fewer = { ...TOY_PRESET, evalSamples: 64, evalSamplesOverrides: { toy: 16 } };
    expect(evalSamplesOf(fewer, 'toy')).toBe(16);
    expect(evalSamplesOf({ ...fewer, evalSamples: 8 }, 'toy')).toBe(8);
    const [a] = planJobs(fewer, { toy: TOY }, context);
    const [b] = planJobs({ ...fewer, evalSamplesOverrides: {} }, { toy: TOY }, context);
    expect(a.jobKey).not.toBe(b.jobKey);
  });
});

describe('the sampling a plan is estimated to do', () => {
  it("counts each sampler's FLOPs per image times its images, at every budget or the largest only by its evaluations per image", () => {
    const preset = { ...TOY_PRESET, everyBudgetMaxEvals: 10, evalSamples: 100, evalSamplesOverrides: { toy: 40 } };
    const samplers = [
      { label: 'one-shot', networkEvals: 1, flopsPerSample: 5 },
      { label: 'ten', networkEvals: 10, flopsPerSample: 50 },
      { label: 'many', networkEvals: 784, flopsPerSample: 1000 },
    ];
    // 3 budgets: the first two at each, the third at the largest only; 40 images (the override), not 100
    expect(plannedSamplingFlops(preset, 'toy', samplers, 3)).toBe(40 * (3 * 5 + 3 * 50 + 1 * 1000));
    expect(plannedSamplingFlops({ ...preset, everyBudgetMaxEvals: 784 }, 'toy', samplers, 3)).toBe(40 * 3 * (5 + 50 + 1000));
    expect(plannedSamplingFlops(preset, 'other', samplers, 0)).toBe(0); // a job that reaches no budget samples nothing
  });
});
