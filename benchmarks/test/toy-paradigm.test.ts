// A paradigm added with one registry line appears in the train and sample
// suites, its PyTorch peer columns blank with a note saying why (benchmarks/peers
// has no twin for it).
import { tf, useCpuBackend } from '@curtain/core';
import { PARADIGMS } from '@curtain/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOY } from '../../packages/zoo/test/fixtures/toy-paradigm.ts';
import { sampleSuite } from '../src/sample.ts';
import { trainSuite } from '../src/train.ts';

const REGISTRY = { ...PARADIGMS, toy: TOY };
const TINY = { side: 8, targetMs: 0, minIterations: 1, maxIterations: 1, warmupIterations: 0, overrides: { batchSize: 4 } };

beforeAll(async () => {
  await useCpuBackend();
});

describe('a toy paradigm registered with one line', () => {
  it('is timed by the train suite, with no peer figure and a note', async () => {
    const before = tf.memory().numTensors;
    const rows = await trainSuite({ backend: 'cpu', filter: 'toy', registry: REGISTRY }, TINY);
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.variant)).toEqual(['toy']);
    expect(Number(rows[0].examples_per_s)).toBeGreaterThan(0);
    expect(rows[0].size).toBe(TOY.referenceSize);
    expect(rows[0].peer_examples_per_s).toBe('');
    expect(rows[0].peer_ratio).toBe('');
    expect(String(rows[0].note)).toMatch(/peer/);
  });

  it('is timed by the sample suite for each of its samplers', async () => {
    const rows = await sampleSuite({ backend: 'cpu', filter: 'toy', registry: REGISTRY }, { ...TINY, peer: false, nCheap: 2 });
    expect(rows.map((r) => `${r.variant}:${r.sampler}`)).toEqual(TOY.samplers.map((s) => `toy:${s.label}`));
    expect(Number(rows[0].ms_per_sample)).toBeGreaterThan(0);
    expect(rows[0].network_evals).toBe(1);
  });

  it('is unknown to the default registry: nothing else was edited', async () => {
    expect(await trainSuite({ backend: 'cpu', filter: 'toy' }, { ...TINY, peer: false })).toEqual([]);
  });
});
