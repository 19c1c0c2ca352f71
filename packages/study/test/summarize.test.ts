import { describe, expect, it } from 'vitest';
import { type CsvRow, differenceInterval, meanInterval, parseBudget, parseStudyArgs, summarize } from '../src/index.ts';

const row = (variant: string, budget: number, seed: number, fd: number, size = 's', sampler = 'default'): CsvRow => ({
  run_key: `${variant}-${budget}-${seed}-${size}-${sampler}`,
  paradigm: variant === 'ddpm' ? 'diffusion' : 'vae',
  variant,
  sampler,
  size,
  seed: String(seed),
  budget_flops: String(budget),
  fd: String(fd),
  kid: '0.01',
  precision: '0.5',
  recall: '0.5',
  status: 'ok',
  bpd: '',
  bpd_kind: '',
  network_evals: '1',
  sample_flops: '100',
  sample_ms: '1',
  train_seconds: '1',
});

describe('statistics', () => {
  it('gives a t interval that contains the mean and narrows with n', () => {
    const a = meanInterval([1, 2, 3]);
    expect(a.mean).toBe(2);
    expect(a.low).toBeCloseTo(2 - 4.303 * (1 / Math.sqrt(3)), 6);
    const b = meanInterval([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(b.high - b.low).toBeLessThan(a.high - a.low);
    const d = differenceInterval([10, 11, 12], [1, 2, 3]);
    expect(d.mean).toBe(9);
    expect(d.low).toBeGreaterThan(0);
  });
});

describe('summaries', () => {
  const rows: CsvRow[] = [];
  for (const seed of [1, 2, 3]) {
    rows.push(row('vae', 1e11, seed, 120 + seed));
    rows.push(row('vae', 1e11, seed, 150 + seed, 'm'));
  }

  it('keeps the best size per budget', () => {
    const vae = summarize(rows).find((s) => s.variant === 'vae' && s.budget_flops === 1e11)!;
    expect(vae.best_size).toBe('s');
    expect(vae.fd_mean).toBe(122);
    expect(vae.seeds).toBe(3);
  });

  it('counts a run measured twice (another machine regenerating it) once, the latest', () => {
    const stale = { ...row('vae', 1e11, 1, 999), run_key: 'stale', finished_at: '2026-01-01T00:00:00Z' };
    const fresh = rows.map((r) => ({ ...r, finished_at: '2026-02-01T00:00:00Z' }));
    const vae = summarize([stale, ...fresh]).find((s) => s.variant === 'vae' && s.budget_flops === 1e11)!;
    expect(vae.seeds).toBe(3);
    expect(vae.fd_mean).toBe(122);
  });
});

describe('study flags', () => {
  it('rejects an unknown preset, paradigm, malformed budget and bad shard, naming the flag', () => {
    expect(() => parseStudyArgs(['--preset', 'huge'])).toThrow(
      /--preset: unknown preset 'huge'; expected one of smoke, quick, standard, full/,
    );
    expect(() => parseStudyArgs(['--variants', 'vae,nerf'])).toThrow(/--variants: unknown paradigm 'nerf'/);
    expect(() => parseStudyArgs(['--budgets', '1e11,lots'])).toThrow(/--budgets: malformed budget 'lots'/);
    expect(() => parseStudyArgs(['--shard', '0/2'])).toThrow(/--shard/);
    expect(() => parseStudyArgs(['--bogus'])).toThrow(/bogus/);
  });

  it('parses budgets with units and defaults the folder to reports/<preset>', () => {
    expect(parseBudget('300G')).toBe(3e11);
    expect(parseBudget('1.5T')).toBe(1.5e12);
    const args = parseStudyArgs(['--preset', 'smoke', '--budgets', '1e9,2e9']);
    expect(args.outDir).toBe('reports/smoke');
    expect(args.preset.budgets).toEqual([1e9, 2e9]);
  });
});
