import { describe, expect, it } from 'vitest';
import { machineKey, planJobs, runKey } from '../src/index.ts';
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
