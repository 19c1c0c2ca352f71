import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileError, writeFileAtomic } from '@curtain/core';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import {
  appendRuns,
  checkFolder,
  comparableRows,
  OLDER_RUN_SCHEMAS,
  RUN_COLUMNS,
  readRunRows,
  readRuns,
  renderReport,
  runStudy,
  studySetting,
} from '../src/index.ts';
import { toyStudy } from './fixtures/toy-study.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'curtain-runs-'));

/** A complete runs.csv row under `columns` (values named after their column). */
function row(key: string, columns: readonly string[] = RUN_COLUMNS, extra: Record<string, string> = {}): string[] {
  const values: Record<string, string> = {
    run_key: key,
    paradigm: 'vae',
    variant: 'vae',
    size: 's',
    seed: '1',
    budget_flops: '1000',
    status: 'ok',
    fd: '10',
    eval_samples: '16',
    evaluator_id: 'toy-judge',
    dataset: 'synthetic',
    finished_at: '2026-01-01T00:00:00Z',
    ...extra,
  };
  return columns.map((c) => values[c] ?? '');
}

const csv = (lines: string[][]) => stringify(lines);

function folderWith(text: string | Buffer): { dir: string; file: string } {
  const dir = tmp();
  const file = path.join(dir, 'runs.csv');
  writeFileSync(file, text);
  return { dir, file };
}

const renamedKey = csv([['run_id', ...RUN_COLUMNS.slice(1)], row('aaaa'), row('bbbb')]);
const droppedFd = csv([RUN_COLUMNS.filter((c) => c !== 'fd'), row('aaaa')]);
// an older schema curtain does not know (kid_std missing), then rows of today's width
const unknownOlder = RUN_COLUMNS.filter((c) => c !== 'kid_std');
const unknownExtended = csv([unknownOlder, row('aaaa', unknownOlder), row('bbbb')]);
// a known older schema whose file was extended with rows of another width
const knownOlder = OLDER_RUN_SCHEMAS[0].columns;
const knownExtended = csv([[...knownOlder], row('aaaa', knownOlder), [...row('bbbb', knownOlder), 'new column']]);
const fdAt = RUN_COLUMNS.indexOf('fd');
const widerRows = csv([[...RUN_COLUMNS], row('aaaa'), [...row('bbbb'), 'extra']]);
const garbageLine = `${csv([[...RUN_COLUMNS], row('aaaa')])}this is not a row\n${csv([row('bbbb')])}`;
const emptyKey = csv([[...RUN_COLUMNS], row('aaaa'), row('')]);

describe('runs.csv integrity', { timeout: 60_000 }, () => {
  const damaged: Array<[string, string, RegExp]> = [
    [
      'a renamed run_key header',
      renamedKey,
      /runs\.csv: line 1: not curtain's runs\.csv header \(column 1 is 'run_id', expected 'run_key'\)/,
    ],
    ['a dropped fd header', droppedFd, new RegExp(`runs\\.csv: line 1: .*column ${fdAt + 1} is '${RUN_COLUMNS[fdAt + 1]}', expected 'fd'`)],
    [
      'a known older schema extended with wider rows',
      knownExtended,
      new RegExp(`runs\\.csv: line 3: ${knownOlder.length + 1} fields, expected ${knownOlder.length}`),
    ],
    [
      'an unknown older schema extended with new rows',
      unknownExtended,
      /runs\.csv: line 1: not curtain's runs\.csv header \(column \d+ is 'precision', expected 'kid_std'\)/,
    ],
    [
      'rows wider than the header',
      widerRows,
      new RegExp(`runs\\.csv: line 3: ${RUN_COLUMNS.length + 1} fields, expected ${RUN_COLUMNS.length}`),
    ],
    ['a garbage line', garbageLine, /runs\.csv: line 3: 1 fields, expected \d+/],
    ['an empty run key', emptyKey, /runs\.csv: line 3: empty run_key/],
  ];

  for (const [name, text, message] of damaged) {
    it(`${name}: one error naming the file and line, and nothing appended by a study`, async () => {
      const { dir, file } = folderWith(text);
      expect(() => readRuns(file)).toThrow(message);
      await expect(runStudy(await toyStudy(dir, { seeds: [1] }))).rejects.toThrow(message);
      expect(() => appendRuns(file, [Object.fromEntries(RUN_COLUMNS.map((c, i) => [c, row('cccc')[i]]))])).toThrow(message);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(existsSync(path.join(dir, 'study.json'))).toBe(false);
      expect(checkFolder(dir).problems.join('\n')).toMatch(message);
    });
  }

  const repairable: Array<[string, string | Buffer]> = [
    ['a truncated header', RUN_COLUMNS.join(',').slice(0, 30)],
    ['a NUL-filled file', Buffer.alloc(4096)],
    ['a header and a NUL-filled tail', Buffer.concat([Buffer.from(`${RUN_COLUMNS.join(',')}\n`), Buffer.alloc(512)])],
  ];
  for (const [name, content] of repairable) {
    it(`${name}: repaired before the header is decided, so every row is kept and a rerun adds none`, async () => {
      const { dir, file } = folderWith(content);
      expect(readRuns(file).partialTail).toBeGreaterThan(0);
      expect(checkFolder(dir).problems).toEqual([]);
      const first = await runStudy(await toyStudy(dir, { seeds: [1] }));
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0]).toBe(RUN_COLUMNS.join(','));
      const rows = readRunRows(file);
      expect(rows.length).toBe(first.written);
      expect(rows.length).toBeGreaterThan(2);
      const second = await runStudy(await toyStudy(dir, { seeds: [1] }));
      expect(second.written).toBe(0);
      expect(readRunRows(file).length).toBe(rows.length);
    });
  }

  it('reads a known older schema by column name and rewrites it with the current header on append', () => {
    const older = OLDER_RUN_SCHEMAS[0].columns;
    const { file } = folderWith(csv([[...older], row('aaaa', older)]));
    const [migrated] = readRunRows(file);
    expect(Object.keys(migrated)).toEqual([...RUN_COLUMNS]);
    expect(migrated.fd).toBe('10');
    const lines: string[] = [];
    appendRuns(file, [Object.fromEntries(RUN_COLUMNS.map((c, i) => [c, row('bbbb')[i]]))], (l) => lines.push(l));
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(RUN_COLUMNS.join(','));
    expect(readRunRows(file).map((r) => r.run_key)).toEqual(['aaaa', 'bbbb']);
  });

  it('reports use only rows with the current dataset, evaluator and sample count, and say so', async () => {
    const dir = tmp();
    await runStudy(await toyStudy(dir, { seeds: [1, 2] }));
    const file = path.join(dir, 'runs.csv');
    const before = readRunRows(file);
    // rows from another sample count (a run with --samples 64): same variant, worse FDs
    const stale = before
      .filter((r) => r.paradigm !== 'reference')
      .map((r) => ({ ...r, run_key: `${r.run_key}x`, eval_samples: '64', fd: '999', finished_at: '2020-01-01T00:00:00Z' }));
    appendRuns(file, stale);
    const { rows, leftOut } = comparableRows(readRunRows(file), { dataset: 'synthetic', evaluator_id: 'toy-judge', eval_samples: '16' });
    expect(rows.length).toBe(before.length);
    expect([...leftOut]).toEqual([['synthetic / toy-judge / 64 samples', stale.length]]);
    const report = await renderReport(dir);
    expect(report.summary.every((s) => s.fd_mean < 999)).toBe(true);
    expect(readFileSync(path.join(dir, 'REPORT.md'), 'utf8')).toMatch(
      new RegExp(
        `Rows used: the ${before.length} rows made with synthetic / toy-judge / 16 samples .*left out as not comparable: ${stale.length} with synthetic / toy-judge / 64 samples`,
      ),
    );
  });

  it('keeps a variant scored on its preset override of the sample count, and only that count', async () => {
    const dir = tmp();
    await runStudy(await toyStudy(dir, { seeds: [1], evalSamplesOverrides: { toy: 8 } }));
    const rows = readRunRows(path.join(dir, 'runs.csv'));
    expect(rows.filter((r) => r.variant === 'toy').every((r) => r.eval_samples === '8')).toBe(true);
    const setting = studySetting(dir)!;
    expect(setting.eval_samples_by_variant).toEqual({ toy: '8' });
    // a naive setting (one sample count for all) would drop every toy row
    expect(comparableRows(rows, { ...setting, eval_samples_by_variant: undefined }).rows.some((r) => r.variant === 'toy')).toBe(false);
    const kept = comparableRows(rows, setting).rows;
    expect(kept.filter((r) => r.variant === 'toy').length).toBe(rows.filter((r) => r.variant === 'toy').length);
  });

  it('names a corrupt study.json instead of a stack trace', async () => {
    const { dir } = folderWith(csv([[...RUN_COLUMNS], row('aaaa')]));
    writeFileSync(path.join(dir, 'study.json'), '{"preset": {');
    await expect(renderReport(dir)).rejects.toThrow(/study\.json: not valid JSON/);
  });
});

describe('file errors name the file and the cause', { timeout: 60_000 }, () => {
  it('maps disk-full, permission and not-a-file codes to words', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(fileError('/x/runs.csv', 'append rows', err('EFBIG')).message).toBe(
      '/x/runs.csv: cannot append rows: file too large for the disk or its quota (disk full?) (EFBIG)',
    );
    expect(fileError('/x/g.png', 'write', err('ENOSPC')).message).toBe('/x/g.png: cannot write: disk full (ENOSPC)');
    expect(fileError('/x/runs.csv', 'read', err('EACCES')).message).toBe('/x/runs.csv: cannot read: permission denied (EACCES)');
  });

  it('a runs.csv or grid path that is a folder is an error naming it, and no temporary file is left', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'runs.csv'));
    await expect(runStudy(await toyStudy(dir, { seeds: [1] }))).rejects.toThrow(
      /runs\.csv: cannot read: is a folder, expected a file \(EISDIR\)/,
    );
    const grid = path.join(tmp(), 'grid.png');
    mkdirSync(path.join(grid, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(grid, 'png bytes')).toThrow(/grid\.png: cannot write: /);
    expect(readdirSync(path.dirname(grid))).toEqual(['grid.png']);
  });
});
