import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@curtain/core';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CsvRow } from './columns.ts';

/** Reads a CSV with a header into row objects; a missing file is no rows. */
export function readCsv(file: string): CsvRow[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return [];
  try {
    // A run killed mid-write can leave a partial last line: drop it, it is re-run.
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    return parse(complete, { columns: true, skip_empty_lines: true, relax_column_count: true }) as CsvRow[];
  } catch (error) {
    throw new UsageError(`${file}: not a readable CSV (${(error as Error).message})`);
  }
}

/**
 * Appends rows as whole lines (header first if the file is new). Each call is
 * one write of complete lines, so a killed process loses at most the rows it
 * had not yet written and never leaves half a row that a reader would keep.
 */
export function appendCsv(file: string, columns: readonly string[], rows: Array<Record<string, unknown>>): void {
  if (rows.length === 0) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const header = !existsSync(file) || readFileSync(file, 'utf8').length === 0;
  if (!header) repairTrailingLine(file);
  const text = stringify(
    rows.map((row) => columns.map((c) => cell(row[c]))),
    {
      header: false,
    },
  );
  appendFileSync(file, (header ? stringify([columns as string[]]) : '') + text);
}

/** Writes a whole CSV through a temporary file and a rename. */
export function writeCsvAtomic(file: string, columns: readonly string[], rows: Array<Record<string, unknown>>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const text = stringify([columns as string[], ...rows.map((row) => columns.map((c) => cell(row[c])))]);
  writeTextAtomic(file, text);
}

export function writeTextAtomic(file: string, text: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** If a killed writer left a last line without a newline, cut it off. */
function repairTrailingLine(file: string): void {
  const text = readFileSync(file, 'utf8');
  if (text.endsWith('\n')) return;
  writeTextAtomic(file, text.slice(0, text.lastIndexOf('\n') + 1));
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
  return String(value);
}
