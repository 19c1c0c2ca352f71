import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError, writeFileAtomic } from '@curtain/core';
import { type CsvRow, num, RUN_COLUMNS } from './columns.ts';
import { writeCsvAtomic } from './csv-store.ts';
import { withFolderLock } from './folder-lock.ts';
import { readRunRows } from './runs-file.ts';

/** Canonical row order, so merged shards and an unsharded run list rows alike. */
export function canonicalOrder(a: CsvRow, b: CsvRow): number {
  const refA = a.paradigm === 'reference' ? 0 : 1;
  const refB = b.paradigm === 'reference' ? 0 : 1;
  return (
    refA - refB ||
    a.variant.localeCompare(b.variant) ||
    a.size.localeCompare(b.size) ||
    num(a.seed) - num(b.seed) ||
    (num(a.budget_flops) || 0) - (num(b.budget_flops) || 0) ||
    a.sampler.localeCompare(b.sampler) ||
    a.run_key.localeCompare(b.run_key)
  );
}

/**
 * Merges the runs.csv (and sample grids) of several study folders into
 * `outDir`: rows are united by run_key (first copy wins), so merging is
 * idempotent and order-independent.
 */
export function mergeStudies(outDir: string, inputs: string[]): { rows: number; duplicates: number } {
  if (inputs.length === 0) throw new UsageError('pnpm merge: name at least one study folder to merge');
  // a study appending to outDir meanwhile would lose its rows to the rewrite below
  return withFolderLock(outDir, () => mergeLocked(outDir, inputs));
}

function mergeLocked(outDir: string, inputs: string[]): { rows: number; duplicates: number } {
  const byKey = new Map<string, CsvRow>();
  let duplicates = 0;
  for (const dir of [outDir, ...inputs]) {
    const file = path.join(dir, 'runs.csv');
    if (dir !== outDir && !existsSync(file)) throw new UsageError(`${file}: not found; is ${dir} a study folder?`);
    for (const row of readRunRows(file)) {
      if (byKey.has(row.run_key)) duplicates += 1;
      else byKey.set(row.run_key, row);
    }
  }
  const rows = [...byKey.values()].sort(canonicalOrder);
  mkdirSync(outDir, { recursive: true });
  writeCsvAtomic(path.join(outDir, 'runs.csv'), RUN_COLUMNS, rows);
  for (const dir of inputs) {
    const grids = path.join(dir, 'grids');
    if (existsSync(grids)) {
      mkdirSync(path.join(outDir, 'grids'), { recursive: true });
      for (const name of readdirSync(grids)) {
        const target = path.join(outDir, 'grids', name);
        if (!existsSync(target)) copyFileSync(path.join(grids, name), target);
      }
    }
    const study = path.join(dir, 'study.json');
    if (existsSync(study) && !existsSync(path.join(outDir, 'study.json'))) copyFileSync(study, path.join(outDir, 'study.json'));
    const bench = path.join(dir, 'bench');
    if (existsSync(bench) && !existsSync(path.join(outDir, 'bench'))) {
      mkdirSync(path.join(outDir, 'bench'), { recursive: true });
      for (const name of readdirSync(bench)) copyFileSync(path.join(bench, name), path.join(outDir, 'bench', name));
    }
  }
  writeFileAtomic(path.join(outDir, 'merged-from.txt'), `${inputs.join('\n')}\n`);
  return { rows: rows.length, duplicates };
}
