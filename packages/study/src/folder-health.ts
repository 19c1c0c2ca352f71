import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@curtain/core';
import { comparableRows, describeSetting, readStudyJson, studySetting } from './comparable.ts';
import { CLAIMS_DIR, describeHolder, folderLockHolder, holderAlive, jobClaimHolder, type LockHolder } from './folder-lock.ts';
import { readRuns } from './runs-file.ts';

export interface FolderHealth {
  /** Things that stop a study or a report from using the folder. */
  problems: string[];
  /** What the folder holds, and what the next run will repair on its own. */
  notes: string[];
}

/** Checks a study folder without training anything (`pnpm study --check`). */
export function checkFolder(dir: string): FolderHealth {
  const problems: string[] = [];
  const notes: string[] = [];
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  };
  if (!existsSync(dir)) return { problems: [`${dir}: no such folder`], notes };
  attempt(() => {
    readStudyJson(dir);
  });
  const runsFile = path.join(dir, 'runs.csv');
  if (!existsSync(runsFile)) notes.push(`${runsFile}: not there yet (no finished runs)`);
  attempt(() => {
    const runs = readRuns(runsFile);
    if (runs.schema !== 'current' && runs.schema !== 'empty') {
      notes.push(`${runsFile}: older schema ${runs.schema}; the next append rewrites it with the current columns`);
    }
    if (runs.partialTail > 0) {
      notes.push(`${runsFile}: a partial last line (${runs.partialTail} bytes, a killed writer) is ignored and cut off by the next append`);
    }
    const seen = new Set<string>();
    const duplicates = new Set(runs.rows.map((r) => r.run_key).filter((k) => seen.has(k) || !seen.add(k)));
    if (duplicates.size > 0)
      problems.push(`${runsFile}: ${duplicates.size} run keys appear more than once (${[...duplicates].slice(0, 3).join(', ')})`);
    let want: ReturnType<typeof studySetting>;
    attempt(() => {
      want = studySetting(dir);
    });
    const comparable = comparableRows(runs.rows, want);
    notes.push(`${runsFile}: ${runs.rows.length} rows`);
    if (comparable.setting) notes.push(`reports use ${comparable.rows.length} rows made with ${describeSetting(comparable.setting)}`);
    for (const [label, n] of comparable.leftOut) notes.push(`left out of reports as not comparable: ${n} rows with ${label}`);
  });
  const holders = [
    ['folder lock', folderLockHolder(dir)],
    ...(existsSync(path.join(dir, CLAIMS_DIR))
      ? readdirSync(path.join(dir, CLAIMS_DIR))
          .filter((name) => !name.includes('.'))
          .map((name) => [`job ${name}`, jobClaimHolder(dir, name)])
      : []),
  ] as Array<[string, LockHolder | undefined]>;
  for (const [what, holder] of holders) {
    if (!holder) continue;
    notes.push(
      holderAlive(holder)
        ? `${what}: held by ${describeHolder(holder)}`
        : `${what}: stale (${describeHolder(holder)} is gone); the next study takes it over`,
    );
  }
  return { problems, notes };
}
