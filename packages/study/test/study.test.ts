import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareReports, mergeStudies, parseShard, RUN_COLUMNS, readCsv, renderReport, runStudy } from '../src/index.ts';
import { TOY, TOY_DIVERGING } from './fixtures/toy-paradigm.ts';
import { toyStudy } from './fixtures/toy-study.ts';

const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
const runner = path.resolve(__dirname, 'fixtures/run-toy-study.ts');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'curtain-study-'));

function runToy(dir: string, shard?: string, killWhen?: () => boolean): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [runner, dir, ...(shard ? [shard] : [])], { stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    if (killWhen) {
      timer = setInterval(() => {
        if (killWhen()) child.kill('SIGKILL');
      }, 5);
    }
    child.on('exit', (code) => {
      if (timer) clearInterval(timer);
      resolve(code);
    });
  });
}

const rowCount = (dir: string) => readCsv(path.join(dir, 'runs.csv')).length;
// toy: 2 sizes x 3 seeds x 3 budgets, plus data, mean-image and noise references for 3 seeds
const EXPECTED_ROWS = 2 * 3 * 3 + 3 * 3;

beforeAll(async () => {
  await useCpuBackend();
});

describe('study runner', () => {
  it('resumes a study killed with SIGKILL: complete, no duplicate, no lost row', async () => {
    const dir = tmp();
    const code = await runToy(dir, undefined, () => existsSync(path.join(dir, 'runs.csv')) && rowCount(dir) >= 10);
    expect(code).toBeNull(); // killed, not finished
    const partial = rowCount(dir);
    expect(partial).toBeLessThan(EXPECTED_ROWS);
    expect(await runToy(dir)).toBe(0);
    const rows = readCsv(path.join(dir, 'runs.csv'));
    expect(rows.length).toBe(EXPECTED_ROWS);
    expect(new Set(rows.map((r) => r.run_key)).size).toBe(EXPECTED_ROWS);
    // a third run changes nothing
    expect(await runToy(dir)).toBe(0);
    expect(rowCount(dir)).toBe(EXPECTED_ROWS);
  }, 180_000);

  it('shards merge into the same rows as one unsharded run, idempotently', async () => {
    const [whole, a, b, merged] = [tmp(), tmp(), tmp(), tmp()];
    await Promise.all([runToy(whole), runToy(a, '1/2'), runToy(b, '2/2')]);
    const shardA = readCsv(path.join(a, 'runs.csv')).map((r) => r.run_key);
    const shardB = readCsv(path.join(b, 'runs.csv')).map((r) => r.run_key);
    expect(shardA.filter((k) => shardB.includes(k))).toEqual([]);
    mergeStudies(merged, [a, b]);
    mergeStudies(merged, [b, a]);
    const key = (r: Record<string, string>) => `${r.run_key}:${r.fd}:${r.steps}:${r.status}`;
    const mergedRows = readCsv(path.join(merged, 'runs.csv'));
    const wholeRows = readCsv(path.join(whole, 'runs.csv'));
    expect(mergedRows.map(key).sort()).toEqual(wholeRows.map(key).sort());
    expect(mergedRows.length).toBe(EXPECTED_ROWS);
  }, 180_000);

  it('compares two report folders: metric deltas with intervals and agreeing winners', async () => {
    const [a, b] = [tmp(), tmp()];
    await Promise.all([runToy(a), runToy(b)]);
    const rows = compareReports(a, b);
    const metrics = rows.filter((r) => r.kind === 'metric');
    expect(metrics.length).toBe(3); // one per budget (toy has one sampler, best size per budget)
    // the same seeds on the same backend give the same FDs: deltas are zero and consistent
    expect(metrics.every((r) => r.change === 0 && r.agree === 'consistent')).toBe(true);
    expect(rows.filter((r) => r.kind === 'winner').every((r) => r.agree === 'yes')).toBe(true);
    expect(() => compareReports(a, path.join(b, 'missing'))).toThrow(/report folder not found: .*missing/);
    // `pnpm compare A B` as the README documents it
    const cli = spawnSync(tsx, [path.resolve(__dirname, '../../../scripts/compare.mjs'), a, b], { encoding: 'utf8' });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/metric\s+fd:toy/);
    expect(readCsv(path.join(b, 'compare.csv')).filter((r) => r.kind === 'metric').length).toBe(3);
    const missing = spawnSync(tsx, [path.resolve(__dirname, '../../../scripts/compare.mjs'), a, path.join(b, 'nope')], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/error: report folder not found: .*nope/);
    // two folders with no common rows: a refusal, not an empty table
    const empty = tmp();
    writeFileSync(path.join(empty, 'runs.csv'), `${RUN_COLUMNS.join(',')}\n`);
    expect(() => compareReports(a, empty)).toThrow(/have no common rows/);
  }, 180_000);

  it('prints the plan on --dry-run and trains nothing', async () => {
    const dir = tmp();
    const lines: string[] = [];
    const result = await runStudy(await toyStudy(dir, { sizeCount: 2 }, { dryRun: true, log: (line) => lines.push(line) }));
    expect(result).toEqual({ jobs: 4, written: 0 });
    expect(existsSync(path.join(dir, 'runs.csv'))).toBe(false);
    expect(lines.some((l) => /^toy\s+s\s+2\s+[0-9.]+e\+3\s+\d+ \/ \d+/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^total: 4 runs, .* training FLOPs, about .* of training and .* of sampling in one process on this backend; with 1 worker about .* of wall time/,
    );
  });

  it('records a diverged run as rows with status diverged, and renders a report', async () => {
    const dir = tmp();
    await runStudy(await toyStudy(dir, { variants: ['toy', 'toy-diverging'] }, { registry: { toy: TOY, 'toy-diverging': TOY_DIVERGING } }));
    const rows = readCsv(path.join(dir, 'runs.csv'));
    const diverging = rows.filter((r) => r.variant === 'toy-diverging');
    expect(diverging.length).toBe(4);
    // it diverges after its second step: the one-step budget is fine, the larger one is not
    const late = diverging.filter((r) => Number(r.budget_flops) === 4e4);
    expect(late.length).toBe(2);
    expect(late.every((r) => r.status === 'diverged' && r.fd === '' && /training diverged at step \d+: loss = Infinity/.test(r.note))).toBe(
      true,
    );
    expect(diverging.filter((r) => Number(r.budget_flops) === 1e4).every((r) => r.status === 'ok')).toBe(true);
    expect(rows.filter((r) => r.variant === 'toy').every((r) => r.status === 'ok' && Number(r.fd) >= 0)).toBe(true);
    // every model row records the FLOPs it spent (whole steps) and its split; references include the mean image
    for (const r of rows.filter((r) => r.paradigm !== 'reference')) {
      expect(Number(r.train_flops)).toBe(Number(r.steps) * Number(r.flops_per_step));
      expect(r.split).toBe('report');
    }
    expect(rows.filter((r) => r.variant === 'mean-image').length).toBe(2);
    const report = await renderReport(dir);
    expect(report.summary.length).toBe(4);
    for (const file of [
      'paradigms.csv',
      'comparisons.csv',
      'summary.csv',
      'winners.csv',
      'hypothesis.csv',
      'REPORT.md',
      'plots/quality-vs-training-flops.svg',
      'plots/quality-vs-training-flops.png',
    ]) {
      expect(existsSync(path.join(dir, file))).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'REPORT.md'), 'utf8')).toMatch(/## The answer/);
  }, 120_000);

  it('scores expensive samplers at the largest budget only, keeping bits/dim at every budget', async () => {
    const dir = tmp();
    await runStudy(await toyStudy(dir, { seeds: [1], everyBudgetMaxEvals: 0 }));
    const rows = readCsv(path.join(dir, 'runs.csv')).filter((r) => r.variant === 'toy');
    const small = rows.find((r) => Number(r.budget_flops) === 1e4)!;
    const large = rows.find((r) => Number(r.budget_flops) === 4e4)!;
    expect(small.fd).toBe('');
    expect(small.bpd).not.toBe('');
    expect(small.note).toMatch(/largest budget only/);
    expect(Number(large.fd)).toBeGreaterThanOrEqual(0);
  });

  it('names a budget smaller than one training step and an unwritable folder', async () => {
    const tooSmall = { budgets: [10], seeds: [1] };
    await expect(runStudy(await toyStudy(tmp(), tooSmall))).rejects.toThrow(
      /budget 1.00e\+1 FLOPs is smaller than one training step of toy size s/,
    );
    const blocker = path.join(tmp(), 'file');
    writeFileSync(blocker, '');
    chmodSync(blocker, 0o444);
    await expect(runStudy(await toyStudy(path.join(blocker, 'sub'), tooSmall))).rejects.toThrow(/--out .*: not a writable directory/);
    expect(() => parseShard('3/2')).toThrow(/--shard: expected i\/n/);
  });
});
