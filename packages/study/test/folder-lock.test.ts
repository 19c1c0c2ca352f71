import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFolder, claimJob, LOCK_FILE, REFERENCE_VARIANTS, readRunRows, releaseJob, withFolderLock } from '../src/index.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'curtain-lock-'));
const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
const runner = path.resolve(__dirname, 'fixtures/run-toy-study.ts');
const holder = (pid: number) => JSON.stringify({ pid, host: os.hostname(), since: '2026-01-01T00:00:00Z', command: 'pnpm study' });
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;

describe('a locked output folder', () => {
  it('refuses a folder locked by a live process, naming the holder', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, LOCK_FILE), holder(process.ppid));
    expect(() => withFolderLock(dir, () => 1, 50)).toThrow(
      new RegExp(`${dir} is locked by pid ${process.ppid} on ${os.hostname()} since 2026-01-01T00:00:00Z \\(pnpm study\\)`),
    );
  });

  it('takes over a stale lock and a stale job claim left by a dead process on this host', () => {
    const dir = tmp();
    const pid = Number(deadPid());
    writeFileSync(path.join(dir, LOCK_FILE), holder(pid));
    expect(withFolderLock(dir, () => 'ran', 50)).toBe('ran');
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    // a job claim: a live holder keeps it, a dead one loses it
    mkdirSync(path.join(dir, 'claims'));
    writeFileSync(path.join(dir, 'claims', 'live'), holder(process.ppid));
    writeFileSync(path.join(dir, 'claims', 'dead'), holder(pid));
    const notes = checkFolder(dir).notes.join('\n');
    expect(notes).toMatch(new RegExp(`job live: held by pid ${process.ppid} on `));
    expect(notes).toMatch(new RegExp(`job dead: stale \\(pid ${pid} on .*is gone\\); the next study takes it over`));
    expect(claimJob(dir, 'live')?.pid).toBe(process.ppid);
    expect(claimJob(dir, 'dead')).toBeUndefined();
    expect(claimJob(dir, 'fresh')).toBeUndefined();
    expect(claimJob(dir, 'fresh')?.pid).toBe(process.pid); // held: a second claimant is told who has it
    releaseJob(dir, 'fresh');
    releaseJob(dir, 'live'); // not ours: left alone
    expect(readdirSync(path.join(dir, 'claims')).sort()).toEqual(['dead', 'live']);
  });

  it('two studies on one folder cooperate: every run key exactly once', async () => {
    const dir = tmp();
    const run = () =>
      new Promise<number | null>((resolve) => {
        spawn(tsx, [runner, dir], { stdio: 'ignore' }).on('exit', resolve);
      });
    expect(await Promise.all([run(), run()])).toEqual([0, 0]);
    const keys = readRunRows(path.join(dir, 'runs.csv')).map((r) => r.run_key);
    expect(keys.length).toBe(2 * 3 * 3 + REFERENCE_VARIANTS.length * 3);
    expect(new Set(keys).size).toBe(keys.length);
    expect(readdirSync(path.join(dir, 'claims'))).toEqual([]);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  }, 240_000);
});
