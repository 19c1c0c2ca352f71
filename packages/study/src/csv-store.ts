import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileError, UsageError, writeFileAtomic } from '@curtain/core';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CsvRow } from './columns.ts';

/** Reads a whole text file, turning fs errors into a UsageError naming the file. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw fileError(file, 'read', error);
  }
}

/**
 * Reads a CSV with a header into row objects; a missing file is no rows. A
 * partial last line (a writer killed mid-line) is dropped; any other row whose
 * field count differs from the header's is an error naming the line.
 */
export function readCsv(file: string): CsvRow[] {
  if (!existsSync(file)) return [];
  const { header, rows } = parseCsvLines(file, readText(file));
  if (!header) return [];
  return rows.map(({ line, fields }) => {
    if (fields.length !== header.length) {
      throw new UsageError(`${file}: line ${line} has ${fields.length} fields; expected ${header.length} (the header's)`);
    }
    return Object.fromEntries(header.map((name, i) => [name, fields[i]]));
  });
}

export interface CsvLines {
  header: string[] | undefined;
  rows: Array<{ line: number; fields: string[] }>;
  /** Bytes of a partial last line (no newline) that were left out, 0 when none. */
  partialTail: number;
}

/** Parses CSV text into a header and numbered records, leaving out a partial last line. */
export function parseCsvLines(file: string, text: string): CsvLines {
  const complete = completeLines(text);
  const partialTail = text.length - complete.length;
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(complete, { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new UsageError(`${file}: not a readable CSV (${(error as Error).message})`);
  }
  const [first, ...rest] = records;
  return {
    header: first?.record,
    rows: rest.map(({ record, info }) => ({ line: info.lines, fields: record })),
    partialTail,
  };
}

/** The text up to and including its last newline: a killed writer's partial line is not data. */
function completeLines(text: string): string {
  return text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
}

/**
 * Cuts a partial last line (a writer killed mid-line, or a NUL-filled tail
 * after a crash) off the file on disk; returns the text that remains.
 */
export function repairTrailingLine(file: string): string {
  if (!existsSync(file)) return '';
  const text = readText(file);
  const complete = completeLines(text);
  if (complete.length !== text.length) writeFileAtomic(file, complete);
  return complete;
}

/**
 * Appends rows as whole lines in one write, the header first when the file
 * is empty (checked after repairing a partial last line, so a truncated
 * header is rewritten rather than lost). A killed process loses at most the
 * rows it had not yet written and never leaves half a row a reader keeps.
 * Callers that care what is already in the file (runs.csv) check it first.
 */
export function appendCsv(file: string, columns: readonly string[], rows: Array<Record<string, unknown>>): void {
  if (rows.length === 0) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const existing = repairTrailingLine(file);
  const header = existing.trim() === '' ? stringify([columns as string[]]) : '';
  const text = stringify(rows.map((row) => columns.map((c) => cell(row[c]))));
  try {
    if (header) writeFileAtomic(file, header + text);
    else appendFileSync(file, text);
  } catch (error) {
    throw fileError(file, 'append rows', error);
  }
}

/** Writes a whole CSV through a temporary file and a rename. */
export function writeCsvAtomic(file: string, columns: readonly string[], rows: Array<Record<string, unknown>>): void {
  const text = stringify([columns as string[], ...rows.map((row) => columns.map((c) => cell(row[c])))]);
  writeFileAtomic(file, text);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
  return String(value);
}
