import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@curtain/core';
import type { CsvRow } from './columns.ts';
import { readText } from './csv-store.ts';

/** What makes two rows' FDs comparable: the data, the evaluator and the number of samples per FD. */
export interface RowSetting {
  dataset: string;
  evaluator_id: string;
  eval_samples: string;
  /** Variants the preset scores on fewer samples (evalSamplesOverrides), with their count. */
  eval_samples_by_variant?: Readonly<Record<string, string>>;
}

export interface ComparableRows {
  /** Model rows with the setting, and reference rows with its dataset and evaluator. */
  rows: CsvRow[];
  setting: RowSetting | undefined;
  /** Rows left out, counted per other setting ('mnist / lenet-v1 / 128 samples': 40). */
  leftOut: Map<string, number>;
}

export const describeSetting = (s: RowSetting) => `${s.dataset} / ${s.evaluator_id} / ${s.eval_samples} samples`;
const settingOf = (r: CsvRow): RowSetting => ({ dataset: r.dataset, evaluator_id: r.evaluator_id, eval_samples: r.eval_samples });

/** The parts of study.json that readers use. */
export interface StudyJson {
  preset?: {
    name?: string;
    description?: string;
    evalSamples?: number;
    evalSamplesOverrides?: Record<string, number>;
    variants?: string[];
    seeds?: number[];
    budgets?: number[];
    budgetCaps?: Record<string, number>;
  };
  sessions?: unknown;
  dataset?: string;
  evaluatorId?: string;
}

/** study.json of a folder (undefined when absent); a corrupt one is an error naming it. */
export function readStudyJson(dir: string): StudyJson | undefined {
  const file = path.join(dir, 'study.json');
  if (!existsSync(file)) return undefined;
  const text = readText(file);
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed as StudyJson;
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message}); delete it or rerun the study to rewrite it`);
  }
}

/** The setting a folder's study was run with (study.json), if it says. */
export function studySetting(dir: string): RowSetting | undefined {
  const study = readStudyJson(dir);
  if (!study?.dataset || !study.evaluatorId || study.preset?.evalSamples === undefined) return undefined;
  const evalSamples = study.preset.evalSamples;
  const overrides = Object.entries(study.preset.evalSamplesOverrides ?? {}).map(([variant, n]) => [
    variant,
    String(Math.min(n, evalSamples)),
  ]);
  return {
    dataset: String(study.dataset),
    evaluator_id: String(study.evaluatorId),
    eval_samples: String(evalSamples),
    ...(overrides.length > 0 ? { eval_samples_by_variant: Object.fromEntries(overrides) } : {}),
  };
}

/**
 * Keeps only rows whose FDs can be compared with each other: model rows made
 * with `want` (the folder's current study, else the most recently finished
 * model row's setting), and reference rows on the same dataset and evaluator
 * (their sample count is capped by the held-out split, so it is matched
 * where possible, else the largest). Everything else is counted in leftOut,
 * so a report can say what it did not use.
 */
export function comparableRows(rows: CsvRow[], want?: RowSetting): ComparableRows {
  const models = rows.filter((r) => r.paradigm !== 'reference');
  const latest = [...models].sort((a, b) => (a.finished_at < b.finished_at ? 1 : -1))[0];
  const setting = want ?? (latest ? settingOf(latest) : rows[0] ? settingOf(rows[0]) : undefined);
  if (!setting) return { rows: [], setting, leftOut: new Map() };
  const sameData = (r: CsvRow) => r.dataset === setting.dataset && r.evaluator_id === setting.evaluator_id;
  const refs = rows.filter((r) => r.paradigm === 'reference' && sameData(r));
  const refSamples = refs.some((r) => r.eval_samples === setting.eval_samples)
    ? setting.eval_samples
    : String(Math.max(...refs.map((r) => Number(r.eval_samples))));
  const expected = (r: CsvRow) =>
    r.paradigm === 'reference' ? refSamples : (setting.eval_samples_by_variant?.[r.variant] ?? setting.eval_samples);
  const keep = (r: CsvRow) => sameData(r) && r.eval_samples === expected(r);
  const leftOut = new Map<string, number>();
  for (const r of rows.filter((row) => !keep(row))) {
    const label = describeSetting(settingOf(r));
    leftOut.set(label, (leftOut.get(label) ?? 0) + 1);
  }
  return { rows: rows.filter(keep), setting, leftOut };
}
