import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseStudyArgs } from '../src/index.ts';

describe('study flags: list entries, dataset-specific flags, --check and --workers', () => {
  it('rejects empty list entries instead of reading them as 0 or nothing', () => {
    expect(() => parseStudyArgs(['--seeds', '1,'])).toThrow(/--seeds: empty entry in '1,'/);
    expect(() => parseStudyArgs(['--variants', ','])).toThrow(/--variants: empty entry in ','/);
    expect(() => parseStudyArgs(['--variants', ''])).toThrow(/--variants: empty entry/);
    expect(() => parseStudyArgs(['--budgets', '1e11,,3e11'])).toThrow(/--budgets: empty entry/);
    expect(parseStudyArgs(['--seeds', '1, 2']).preset.seeds).toEqual([1, 2]);
  });

  it('rejects --data-dir for a dataset that does not read one', () => {
    expect(() => parseStudyArgs(['--data-dir', '/tmp'])).toThrow(/--data-dir: does not apply to --dataset digits/);
    expect(() => parseStudyArgs(['--dataset', 'synthetic', '--data-dir', '/tmp'])).toThrow(/does not apply to --dataset synthetic/);
    expect(parseStudyArgs(['--dataset', 'mnist', '--data-dir', '/tmp']).dataDir).toBe('/tmp');
  });

  it('parses --check, --keep-checkpoints and --workers (default one per core)', () => {
    expect(parseStudyArgs(['--check', '--out', 'x'])).toMatchObject({ check: true, outDir: 'x', keepCheckpoints: false });
    expect(parseStudyArgs(['--keep-checkpoints', '--workers', '3'])).toMatchObject({ keepCheckpoints: true, workers: 3 });
    expect(parseStudyArgs([]).workers).toBe(availableParallelism());
    expect(() => parseStudyArgs(['--workers', '0'])).toThrow(/--workers: expected a positive integer, got '0'/);
    expect(() => parseStudyArgs(['--workers', '1.5'])).toThrow(/--workers: expected a positive integer/);
  });
});
