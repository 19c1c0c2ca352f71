import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CsvRow, readRunRows, runWorkers } from '../src/index.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'curtain-workers-'));
const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
const runner = path.resolve(__dirname, 'fixtures/run-toy-study.ts');
const TIMING = ['train_seconds', 'sample_ms', 'finished_at'];
const comparable = (rows: CsvRow[]) => rows.map((r) => JSON.stringify(Object.entries(r).filter(([c]) => !TIMING.includes(c)))).sort();

describe('workers', () => {
  it('two worker processes share one folder: the rows of one process, each run key once', async () => {
    const [single, shared] = [tmp(), tmp()];
    const lines: string[] = [];
    expect(await runWorkers({ count: 1, command: [tsx, runner, single], log: () => {} })).toEqual([]);
    expect(await runWorkers({ count: 2, command: [tsx, runner, shared], log: (l) => lines.push(l) })).toEqual([]);
    const rows = readRunRows(path.join(shared, 'runs.csv'));
    expect(new Set(rows.map((r) => r.run_key)).size).toBe(rows.length);
    expect(comparable(rows)).toEqual(comparable(readRunRows(path.join(single, 'runs.csv'))));
    expect(readdirSync(path.join(shared, 'claims'))).toEqual([]);
  }, 240_000);

  it('reports each failed worker with its exit status and last error line', async () => {
    const failures = await runWorkers({
      count: 2,
      command: [process.execPath, '-e', 'console.error("runs.csv: cannot append rows: disk full (ENOSPC)"); process.exit(3)'],
      log: () => {},
    });
    expect(failures).toEqual([
      { index: 1, reason: 'exited with code 3: runs.csv: cannot append rows: disk full (ENOSPC)' },
      { index: 2, reason: 'exited with code 3: runs.csv: cannot append rows: disk full (ENOSPC)' },
    ]);
  });
});
