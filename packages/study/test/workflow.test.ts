// The CI workflow promised in the README: parse .github/workflows/study.yml and
// run its shard and merge commands locally (smoke preset, narrowed through
// STUDY_FLAGS, which CI leaves empty), checking the merged rows equal those
// of one unsharded run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CsvRow, readRunRows } from '../src/index.ts';

const root = path.resolve(__dirname, '../../..');
const workflow = parse(readFileSync(path.join(root, '.github/workflows/study.yml'), 'utf8'));
type Step = { name?: string; run?: string };
const step = (job: string, name: string): string => {
  const found = (workflow.jobs[job].steps as Step[]).find((s) => s.name === name)?.run;
  if (!found) throw new Error(`study.yml: job ${job} has no step '${name}' with a run command`);
  return found;
};
const TIMING = ['train_seconds', 'sample_ms', 'finished_at'];
const comparable = (rows: CsvRow[]) => rows.map((r) => JSON.stringify(Object.entries(r).filter(([c]) => !TIMING.includes(c)))).sort();

describe('the CI workflow', () => {
  it('schedules the quick report and runs a long preset as a matrix of shards plus a merge', () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^[\d*]+ [\d*]+ [\d*]+ [\d*]+ [\d*]+$/);
    expect(step('quick-report', 'Quick report')).toMatch(/^pnpm reports --preset quick/);
    expect(workflow.jobs.shards.strategy.matrix.shard).toEqual(Array.from({ length: Number(workflow.env.SHARDS) }, (_, i) => i + 1));
    expect(workflow.jobs.merge.needs).toBe('shards');
  });

  it("its shard and merge commands, run here on the smoke preset, give the unsharded run's rows", () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'curtain-workflow-'));
    // `pnpm <script>` as in the repository root, from a scratch folder
    const bin = path.join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'pnpm'),
      `#!/bin/sh\nscript="$1"; shift\nexec "${root}/node_modules/.bin/tsx" "${root}/scripts/$script.mjs" "$@"\n`,
    );
    chmodSync(path.join(bin, 'pnpm'), 0o755);
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      PRESET: 'smoke',
      SHARDS: '2', // CI runs workflow.env.SHARDS of them; two are enough to test the partition here
      STUDY_FLAGS: '--variants vae,gan --seeds 1 --samples 16 --workers 1',
    };
    const sh = (command: string, extra: Record<string, string> = {}) => {
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: work, env: { ...env, ...extra }, encoding: 'utf8' });
      expect(result.status, `${command}\n${result.stderr.slice(-2000)}`).toBe(0);
    };
    for (const shard of ['1', '2']) sh(step('shards', 'Study shard'), { SHARD: shard });
    sh(step('merge', 'Merge shards'));
    sh('pnpm study --preset "$PRESET" --out whole $STUDY_FLAGS');
    const merged = readRunRows(path.join(work, 'reports/smoke/runs.csv'));
    const whole = readRunRows(path.join(work, 'whole/runs.csv'));
    expect(new Set(whole.filter((r) => r.paradigm !== 'reference').map((r) => r.variant))).toEqual(new Set(['vae', 'gan']));
    expect(comparable(merged)).toEqual(comparable(whole));
    expect(readFileSync(path.join(work, 'reports/smoke/REPORT.md'), 'utf8')).toMatch(new RegExp(`Rows used: the ${whole.length} rows`));
  }, 900_000);
});
