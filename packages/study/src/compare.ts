import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@curtain/core';
import { type CsvRow, num } from './columns.ts';
import { comparableRows, describeSetting, studySetting } from './comparable.ts';
import { readCsv } from './csv-store.ts';
import { studyVerdicts } from './hypothesis.ts';
import { readRunRows } from './runs-file.ts';
import { differenceInterval } from './stats.ts';

export interface ComparisonRow {
  kind: 'speed' | 'metric' | 'winner';
  name: string;
  budget_flops: number | string;
  a: number | string;
  b: number | string;
  /** speed: b / a; metric: b - a. */
  change: number;
  low: number;
  high: number;
  agree: string;
}

export const COMPARISON_COLUMNS = ['kind', 'name', 'budget_flops', 'a', 'b', 'change', 'low', 'high', 'agree'] as const;

function benchRows(dir: string): Map<string, CsvRow> {
  const out = new Map<string, CsvRow>();
  const benchDir = existsSync(path.join(dir, 'bench')) ? path.join(dir, 'bench') : dir;
  if (!existsSync(benchDir)) return out;
  for (const file of readdirSync(benchDir).filter(
    (f) =>
      f.endsWith('.csv') &&
      !['runs.csv', 'summary.csv', 'paradigms.csv', 'comparisons.csv', 'winners.csv', 'hypothesis.csv', 'compare.csv'].includes(f),
  )) {
    for (const row of readCsv(path.join(benchDir, file))) {
      const rate = num(row.examples_per_s ?? '');
      const name = `${file.replace('.csv', '')}:${row.case ?? row.variant ?? ''}:${row.sampler ?? ''}:${row.backend ?? ''}`;
      if (Number.isFinite(rate) || Number.isFinite(num(row.ms_per_sample))) out.set(name, row);
    }
  }
  return out;
}

/**
 * Compares two report folders (two machines, backends or code versions):
 * benchmark speed ratios (B over A), FD differences per variant and budget
 * with 95% Welch intervals, and whether the winners agree.
 */
export function compareReports(dirA: string, dirB: string): ComparisonRow[] {
  const missing = [dirA, dirB].filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new UsageError(`report folder not found: ${missing.join(', ')}`);
  const out: ComparisonRow[] = [];
  const [benchA, benchB] = [benchRows(dirA), benchRows(dirB)];
  for (const [name, rowA] of benchA) {
    const rowB = benchB.get(name);
    if (!rowB) continue;
    const rate = (r: CsvRow) => (Number.isFinite(num(r.examples_per_s)) ? num(r.examples_per_s) : 1000 / num(r.ms_per_sample));
    out.push({
      kind: 'speed',
      name,
      budget_flops: '',
      a: rate(rowA),
      b: rate(rowB),
      change: rate(rowB) / rate(rowA),
      low: Number.NaN,
      high: Number.NaN,
      agree: '',
    });
  }
  const [runsA, runsB] = [dirA, dirB].map((dir) => comparableRows(readRunRows(path.join(dir, 'runs.csv')), studySetting(dir)));
  if (runsA.setting && runsB.setting && describeSetting(runsA.setting) !== describeSetting(runsB.setting)) {
    throw new UsageError(
      `${dirA} (${describeSetting(runsA.setting)}) and ${dirB} (${describeSetting(runsB.setting)}) used different data, evaluators or sample counts: their FDs are not comparable`,
    );
  }
  const [verdictsA, verdictsB] = [studyVerdicts(runsA.rows), studyVerdicts(runsB.rows)];
  const [sumA, sumB] = [verdictsA.summary, verdictsB.summary];
  for (const a of sumA) {
    const b = sumB.find((s) => s.entry === a.entry && s.budget_flops === a.budget_flops);
    if (!b) continue;
    const diff = differenceInterval(b.fd_values, a.fd_values);
    out.push({
      kind: 'metric',
      name: `fd:${a.entry}`,
      budget_flops: a.budget_flops,
      a: a.fd_mean,
      b: b.fd_mean,
      change: diff.mean,
      low: diff.low,
      high: diff.high,
      agree: diff.low > 0 || diff.high < 0 ? 'differs' : 'consistent',
    });
  }
  const [winA, winB] = [verdictsA.winners, verdictsB.winners];
  for (const a of winA) {
    const b = winB.find((w) => w.budget_flops === a.budget_flops);
    if (!b) continue;
    out.push({
      kind: 'winner',
      name: 'verdict',
      budget_flops: a.budget_flops,
      a: a.verdict,
      b: b.verdict,
      change: Number.NaN,
      low: Number.NaN,
      high: Number.NaN,
      agree: a.verdict === b.verdict ? 'yes' : 'no',
    });
  }
  if (out.length === 0) {
    throw new UsageError(
      `${dirA} and ${dirB} have no common rows: no benchmark case and no (variant, budget) in both; compare folders of the same preset or suites`,
    );
  }
  return out;
}

export function comparisonTable(rows: ComparisonRow[]): string {
  const show = (v: number | string) => (typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '') : v);
  const table = rows.map((r) => [
    r.kind,
    r.name,
    show(r.budget_flops),
    show(r.a),
    show(r.b),
    show(r.change),
    Number.isFinite(r.low) ? `[${show(r.low)}, ${show(r.high)}]` : '',
    r.agree,
  ]);
  const header = ['kind', 'name', 'budget', 'A', 'B', 'B/A or B-A', '95%', 'agree'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
  return [header, ...table].map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}
