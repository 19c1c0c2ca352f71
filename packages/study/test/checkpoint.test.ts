import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useCpuBackend } from '@curtain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CsvRow, readRunRows, runStudy } from '../src/index.ts';
import { toyStudy } from './fixtures/toy-study.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'curtain-ckpt-'));
const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
const runner = path.resolve(__dirname, 'fixtures/run-toy-study.ts');
/** Columns that measure wall-clock time; every other column must match exactly. */
const TIMING = ['train_seconds', 'sample_ms', 'finished_at'];
const comparable = (rows: CsvRow[]) =>
  rows
    .map((r) => Object.entries(r).filter(([c]) => !TIMING.includes(c)))
    .map((entries) => JSON.stringify(entries))
    .sort();
const PRESET = { budgets: [1e4, 4e4, 1.6e5], seeds: [1], sizeCount: 2 };
const checkpointsLeft = (dir: string) => (existsSync(path.join(dir, 'checkpoints')) ? readdirSync(path.join(dir, 'checkpoints')) : []);

beforeAll(async () => {
  await useCpuBackend();
});

describe('checkpoint resume', () => {
  it('a job stopped after a checkpoint resumes from it and ends with the rows of an uninterrupted run', async () => {
    const whole = tmp();
    await runStudy(await toyStudy(whole, PRESET));
    const stopped = tmp();
    let checkpoints = 0;
    const stopAtThird = () => {
      checkpoints += 1;
      if (checkpoints === 3) throw new Error('injected kill');
    };
    await expect(runStudy(await toyStudy(stopped, PRESET, { checkpointSeconds: 0, onCheckpoint: stopAtThird }))).rejects.toThrow(
      'injected kill',
    );
    const partial = readRunRows(path.join(stopped, 'runs.csv')).length;
    const lines: string[] = [];
    await runStudy(await toyStudy(stopped, PRESET, { checkpointSeconds: 0, log: (l) => lines.push(l) }));
    const resumedAt = lines.map((l) => /resuming from its checkpoint at step (\d+)/.exec(l)?.[1]).find(Boolean);
    expect(Number(resumedAt)).toBeGreaterThan(1);
    const rows = readRunRows(path.join(stopped, 'runs.csv'));
    expect(rows.length).toBeGreaterThan(partial);
    expect(comparable(rows)).toEqual(comparable(readRunRows(path.join(whole, 'runs.csv'))));
    expect(checkpointsLeft(stopped)).toEqual([]);
  }, 60_000);

  it('keeps checkpoints with keepCheckpoints: the resumable one and a weights snapshot per budget', async () => {
    const dir = tmp();
    await runStudy(await toyStudy(dir, { ...PRESET, sizeCount: 1 }, { keepCheckpoints: true }));
    const [job] = checkpointsLeft(dir);
    expect(readdirSync(path.join(dir, 'checkpoints', job)).sort()).toEqual(['b1e+4', 'b2e+5', 'b4e+4', 'resume']);
    expect(readdirSync(path.join(dir, 'checkpoints', job, 'resume')).sort()).toEqual([
      'adam.bin',
      'adam.json',
      'params.bin',
      'params.json',
      'progress.json',
      'training.json',
    ]);
  }, 60_000);

  it('a study killed with SIGKILL right after a checkpoint resumes from it and matches an uninterrupted run', async () => {
    const [whole, killed] = [tmp(), tmp()];
    const run = (dir: string, killAfterCheckpoints = '') =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(tsx, [runner, dir, '', '0', killAfterCheckpoints], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const [wholeRun, killedRun] = await Promise.all([run(whole), run(killed, '20')]);
    expect(wholeRun.code).toBe(0);
    expect([null, 137]).toContain(killedRun.code); // SIGKILL (tsx reports its child's as 137)
    expect(checkpointsLeft(killed).length).toBe(1);
    const resumed = await run(killed);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from its checkpoint at step \d+/);
    expect(comparable(readRunRows(path.join(killed, 'runs.csv')))).toEqual(comparable(readRunRows(path.join(whole, 'runs.csv'))));
    expect(checkpointsLeft(killed)).toEqual([]);
  }, 240_000);
});
