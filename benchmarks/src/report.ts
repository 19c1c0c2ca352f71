// Writes suite rows as CSV (atomically) and formats a console table.
import { join } from 'node:path';
import { writeFileAtomic } from '@curtain/core';
import { stringify } from 'csv-stringify/sync';
import type { SuiteRow } from './suite.ts';

export function writeCsv(dir: string, suite: string, rows: SuiteRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const path = join(dir, `${suite}.csv`);
  writeFileAtomic(path, stringify(rows, { header: true, columns }));
  return path;
}

export function formatTable(rows: SuiteRow[], columns: string[]): string {
  const cells = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells
    .map((row) =>
      row
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
