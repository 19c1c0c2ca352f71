import { existsSync } from 'node:fs';
import { UsageError } from '@curtain/core';
import { type CsvRow, RUN_COLUMNS } from './columns.ts';
import { appendCsv, parseCsvLines, readText, repairTrailingLine, writeCsvAtomic } from './csv-store.ts';

/**
 * Older runs.csv headers curtain knows how to read. A file with one of them is
 * migrated explicitly: its rows are mapped by column name onto RUN_COLUMNS
 * (columns it lacks are empty), and the first append rewrites the file with
 * the current header. When RUN_COLUMNS changes, add the header it replaces
 * here; any other header is an error, never guessed at.
 */
export const OLDER_RUN_SCHEMAS: ReadonlyArray<{ name: string; columns: readonly string[] }> = [
  {
    name: 'v1 (curtain 0.1: 39 columns, before class and prediction-error columns)',
    columns: [
      'run_key',
      'job_key',
      'paradigm',
      'variant',
      'sampler',
      'size',
      'seed',
      'budget_flops',
      'flops_per_step',
      'steps',
      'train_seconds',
      'status',
      'fd',
      'kid',
      'kid_std',
      'precision',
      'recall',
      'bpd',
      'bpd_kind',
      'network_evals',
      'sample_flops',
      'sample_ms',
      'eval_samples',
      'evaluator_id',
      'dataset',
      'protocol',
      'params',
      'note',
      'config',
      'host_cpu',
      'host_cores',
      'host_memory_gb',
      'host_os',
      'node_version',
      'tfjs_version',
      'backend',
      'blas',
      'threads',
      'finished_at',
    ],
  },
];

export interface RunsFile {
  /** Rows keyed by the current columns, in file order. */
  rows: CsvRow[];
  /** 'current', the name of a known older schema, or 'empty' for a missing or empty file. */
  schema: string;
  /** Bytes of a partial last line that a reader leaves out (and the next append cuts off). */
  partialTail: number;
}

const sameColumns = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

/** Why `header` is not curtain's runs.csv header: the first column that differs. */
function headerMismatch(header: readonly string[]): string {
  const at = RUN_COLUMNS.findIndex((c, i) => header[i] !== c);
  if (at < 0) return `it has ${header.length} columns, expected ${RUN_COLUMNS.length}`;
  const found = header[at] === undefined ? 'nothing' : `'${header[at]}'`;
  return `column ${at + 1} is ${found}, expected '${RUN_COLUMNS[at]}'`;
}

/**
 * Reads and checks runs.csv: the header must equal RUN_COLUMNS or a known
 * older schema (migrated by name), every row must have the header's field
 * count and a non-empty run_key. Anything else is one UsageError naming the
 * file, the line and what was expected, so no summary is built from shifted
 * columns and no study appends to a file it cannot read. A partial last line
 * (a killed writer) is left out, as it will be re-run.
 */
export function readRuns(file: string): RunsFile {
  if (!existsSync(file)) return { rows: [], schema: 'empty', partialTail: 0 };
  const { header, rows, partialTail } = parseCsvLines(file, readText(file));
  if (!header) return { rows: [], schema: 'empty', partialTail };
  const older = OLDER_RUN_SCHEMAS.find((s) => sameColumns(s.columns, header));
  const schema = sameColumns(header, RUN_COLUMNS) ? 'current' : older?.name;
  if (!schema) {
    throw new UsageError(
      `${file}: line 1: not curtain's runs.csv header (${headerMismatch(header)}); expected the ${RUN_COLUMNS.length} columns ${RUN_COLUMNS.join(',')}`,
    );
  }
  const keyAt = header.indexOf('run_key');
  const out: CsvRow[] = [];
  for (const { line, fields } of rows) {
    if (fields.length !== header.length) {
      throw new UsageError(
        `${file}: line ${line}: ${fields.length} fields, expected ${header.length} (the header's); a row written under another schema or not a runs.csv row`,
      );
    }
    if (fields[keyAt].trim() === '') throw new UsageError(`${file}: line ${line}: empty run_key; expected curtain's 16-hex-digit run key`);
    const byName = new Map(header.map((name, i) => [name, fields[i]]));
    out.push(Object.fromEntries(RUN_COLUMNS.map((c) => [c, byName.get(c) ?? ''])));
  }
  return { rows: out, schema, partialTail };
}

/**
 * Creates runs.csv with the current header when it is missing or empty (after
 * cutting a partial line), so a study with nothing to do (an empty shard)
 * still leaves a folder that merge and reports accept.
 */
export function ensureRunsFile(file: string): void {
  if (repairTrailingLine(file).trim() === '') writeCsvAtomic(file, RUN_COLUMNS, []);
}

/** The rows of runs.csv (checked, migrated to the current columns); see readRuns. */
export const readRunRows = (file: string): CsvRow[] => readRuns(file).rows;

/**
 * Appends finished rows to runs.csv: cuts a partial last line first, checks
 * what is there (readRuns throws on a damaged file, and then nothing is
 * appended), rewrites an older schema with the current header, then appends
 * whole lines. Returns the rows the file held before.
 */
export function appendRuns(file: string, rows: Array<Record<string, unknown>>, log?: (line: string) => void): CsvRow[] {
  repairTrailingLine(file);
  const existing = readRuns(file);
  if (existing.schema !== 'current' && existing.schema !== 'empty') {
    writeCsvAtomic(file, RUN_COLUMNS, existing.rows);
    log?.(`${file}: migrated ${existing.rows.length} rows from schema ${existing.schema} to the current ${RUN_COLUMNS.length} columns`);
  }
  appendCsv(file, RUN_COLUMNS, rows);
  return existing.rows;
}
