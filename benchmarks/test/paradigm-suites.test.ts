// The train and sample suites on a tiny configuration (8x8 synthetic images,
// width 4, one timed iteration, the stock cpu backend): the row schema, the
// figures being finite where they should be, and no tensor leak. No timings asserted.
import { tf, useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { medianIndex, spreadOf } from '../src/common.ts';
import { SAMPLE_COLUMNS, sampleSuite } from '../src/sample.ts';
import { TRAIN_COLUMNS, trainSuite } from '../src/train.ts';

const HOST = ['cpu_model', 'cores', 'memory_gb', 'os', 'node', 'tfjs', 'blas', 'threads'];
const TINY = { side: 8, targetMs: 0, minIterations: 1, maxIterations: 1, warmupIterations: 0 };

beforeAll(async () => {
  await useCpuBackend();
});

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('repeat statistics', () => {
  it('take a measured value as the median (the lower middle of an even count) and point at its repeat', () => {
    expect(spreadOf([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, count: 3 });
    // a mean of the middle two (2.5) was never measured
    expect(spreadOf([4, 1, 2, 3])).toEqual({ median: 2, min: 1, max: 4, count: 4 });
    expect(spreadOf([])).toBeUndefined();
    expect(medianIndex([9, 2, 5])).toBe(2);
    expect(medianIndex([7, 1, 3, 5])).toBe(2);
  });
});

describe('train suite', () => {
  it('times one step of gan, counts its FLOPs and carries the peer columns', async () => {
    const before = tf.memory().numTensors;
    const rows = await trainSuite({ backend: 'cpu', filter: 'gan' }, { ...TINY, overrides: { width: 4, batchSize: 4 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.variant)).toEqual(['gan']);
    const [row] = rows;
    for (const column of [...TRAIN_COLUMNS, ...HOST, 'peer_torch', 'peer_threads']) expect(row).toHaveProperty(column);
    expect(row.note).not.toMatch(/error/);
    expect(row.backend).toBe('cpu');
    expect(row.batch).toBe(4);
    expect(row.iterations).toBe(1);
    for (const c of ['examples_per_s', 'gflops', 'flops_per_step', 'ms_per_step', 'params']) expect(positive(row[c]), c).toBe(true);
    // the peer either ran (same parameter count: same layer shapes) or the row says why not
    if (row.peer_examples_per_s === '') expect(String(row.note)).toMatch(/peer/);
    else {
      expect(row.peer_params).toBe(row.params);
      expect(positive(row.peer_ratio)).toBe(true);
    }
  });

  it('with repeats, reports the median repeat with its minimum and maximum', async () => {
    const rows = await trainSuite(
      { backend: 'cpu', filter: 'gan', repeats: 3 },
      { ...TINY, peer: false, overrides: { width: 4, batchSize: 4 } },
    );
    const [row] = rows;
    expect(row.repeats).toBe(3);
    const [lo, mid, hi] = [row.examples_per_s_min, row.examples_per_s, row.examples_per_s_max].map(Number);
    expect(lo).toBeLessThanOrEqual(mid);
    expect(mid).toBeLessThanOrEqual(hi);
    // the row's step time is the median repeat's
    expect(row.ms_per_step).toBeCloseTo((4 * 1000) / mid, 0);
  });

  it('keeps a row with the reason when a backend is unknown', async () => {
    const rows = await trainSuite(
      { backend: 'no-such-backend', filter: 'gan' },
      { ...TINY, peer: false, overrides: { width: 4, batchSize: 4 } },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].examples_per_s).toBe('');
    expect(String(rows[0].note)).toMatch(/unknown backend/);
    await useCpuBackend();
  });
});

describe('sample suite', () => {
  it('reports every DDPM sampler with its network evaluations and FLOPs per sample', async () => {
    const before = tf.memory().numTensors;
    const rows = await sampleSuite(
      { backend: 'cpu', filter: 'ddpm' },
      { ...TINY, peer: false, nCheap: 2, nCostly: 1, overrides: { width: 4, batchSize: 4, timesteps: 50 } },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.sampler)).toEqual(['ddpm', 'ddim-50', 'ddim-10']);
    expect(rows.map((r) => r.network_evals)).toEqual([50, 50, 10]);
    for (const row of rows) {
      for (const column of [...SAMPLE_COLUMNS, ...HOST]) expect(row).toHaveProperty(column);
      expect(row.note).not.toMatch(/error/);
      expect(row.n).toBe(1);
      for (const c of ['ms_per_sample', 'flops_per_sample', 'call_ms_p50']) expect(positive(row[c]), c).toBe(true);
      expect(row.peer_ms_per_sample).toBe('');
    }
    // FLOPs per sample scale with the evaluations: DDIM-10 costs a fifth of DDIM-50
    expect(Number(rows[2].flops_per_sample) / Number(rows[1].flops_per_sample)).toBeCloseTo(0.2, 1);
  });

  it('charges the GAN one evaluation and times n samples per call, once per repeat', async () => {
    const rows = await sampleSuite(
      { backend: 'cpu', filter: 'gan', repeats: 2 },
      { ...TINY, peer: false, nCheap: 3, overrides: { width: 4, batchSize: 4 } },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: 'gan', sampler: 'gan', network_evals: 1, n: 3, repeats: 2 });
    expect(positive(rows[0].ms_per_sample)).toBe(true);
    expect(Number(rows[0].ms_per_sample_min)).toBeLessThanOrEqual(Number(rows[0].ms_per_sample));
    expect(Number(rows[0].ms_per_sample)).toBeLessThanOrEqual(Number(rows[0].ms_per_sample_max));
  });
});
