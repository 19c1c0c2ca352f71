import { describe, expect, it } from 'vitest';
import type { CsvRow } from '../src/columns.ts';
import { coverage, coverageSentence } from '../src/coverage.ts';

const PRESET = { name: 'standard', variants: ['vae', 'gan'], seeds: [1, 2], budgets: [1e11, 1e12, 1e13], budgetCaps: { gan: 1e12 } };

function row(variant: string, seed: number, budget: number, extra: Partial<CsvRow> = {}): CsvRow {
  return { variant, seed: String(seed), budget_flops: String(budget), split: 'report', paradigm: variant, sampler: 'a', ...extra };
}

describe('coverage of a preset', () => {
  it('counts distinct (seed, budget) runs per variant up to its cap; samplers, selection runs and unplanned seeds do not add', () => {
    const rows = [
      row('vae', 1, 1e11),
      row('vae', 1, 1e11, { sampler: 'b' }), // a second sampler of the same run
      row('vae', 2, 1e13),
      row('vae', 9, 1e12), // a seed the preset does not report
      row('vae', 1, 1e12, { split: 'selection' }),
      row('gan', 1, 1e11),
      row('gan', 2, 1e11),
      row('gan', 1, 1e12),
      row('gan', 2, 1e12),
      row('gan', 1, 1e13), // above gan's cap
    ];
    expect(coverage(PRESET, rows)).toEqual([
      { variant: 'vae', have: 2, planned: 6 },
      { variant: 'gan', have: 4, planned: 4 },
    ]);
    const sentence = coverageSentence(PRESET, rows, 'pnpm reports --preset standard');
    expect(sentence).toContain('holds 6 of the 10 planned');
    expect(sentence).toContain('vae 2 of 6');
    expect(sentence).not.toContain('gan');
  });

  it('says nothing when every planned run is present, or when study.json does not name the grid', () => {
    const full = [1, 2].flatMap((seed) => [
      ...[1e11, 1e12, 1e13].map((b) => row('vae', seed, b)),
      ...[1e11, 1e12].map((b) => row('gan', seed, b)),
    ]);
    expect(coverageSentence(PRESET, full, 'x')).toBe('');
    expect(coverageSentence({ name: 'old' }, [], 'x')).toBe('');
  });
});
