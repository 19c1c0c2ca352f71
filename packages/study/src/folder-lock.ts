import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileError, UsageError } from '@curtain/core';

/** Who holds a lock or a claim: written into the file when it is created. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

export const LOCK_FILE = '.curtain.lock';
export const CLAIMS_DIR = 'claims';

const me = (): LockHolder => ({
  pid: process.pid,
  host: os.hostname(),
  since: new Date().toISOString(),
  command: process.argv.slice(1).join(' '),
});

export const describeHolder = (h: LockHolder) => `pid ${h.pid} on ${h.host} since ${h.since} (${h.command})`;

/** Whether a holder is a live process; a holder on another host cannot be checked, so it counts as alive. */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `file` holding this process's pid and host, atomically: the content
 * is written to a private temporary file and hard-linked into place, which
 * fails if the file exists, so no reader ever sees a half-written lock. A
 * file whose holder is a dead process on this host is taken over. Returns
 * the live holder when someone else has it, undefined once it is ours.
 */
export function tryCreateOwned(file: string): LockHolder | undefined {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.new`;
  try {
    writeFileSync(temp, JSON.stringify(me()));
  } catch (error) {
    throw fileError(temp, 'write', error);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, file);
        return undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(file, 'create', error);
      }
      const holder = readHolder(file);
      if (holder && holderAlive(holder)) return holder;
      takeOver(file, holder); // dead, or unreadable (a lock is linked in whole, so that is damage)
    }
    const holder = readHolder(file);
    if (holder) return holder;
    throw new UsageError(`${file}: could not be created or read; remove it if no study is running`);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Moves a stale file aside and removes it, but only if it still holds the
 * holder judged dead: a process that took it over a moment earlier keeps it.
 */
function takeOver(file: string, stale: LockHolder | undefined): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (stale && moved && (moved.pid !== stale.pid || moved.host !== stale.host || moved.since !== stale.since)) {
    // not the stale file any more: put the live one back where it was
    try {
      linkSync(aside, file);
    } catch {
      // the slot was filled again meanwhile; the live holder we moved has lost its file and will notice
    }
  }
  rmSync(aside, { force: true });
}

/** Removes a file this process created with tryCreateOwned (and only then). */
export function releaseOwned(file: string): void {
  const holder = readHolder(file);
  if (holder && holder.pid === process.pid && holder.host === os.hostname()) rmSync(file, { force: true });
}

/** Blocks this thread for `ms` (critical sections are short; callers are synchronous appends). */
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `fn` holding the exclusive lock of a study folder (DIR/.curtain.lock,
 * pid and host inside). Critical sections are short (read done keys and
 * append, claim a job, merge), so a second study waits for it; one held
 * longer than `waitMs` by a live process is refused with a message naming
 * the holder, and one held by a dead process on this host is taken over.
 */
export function withFolderLock<T>(dir: string, fn: () => T, waitMs = 120_000): T {
  const file = path.join(dir, LOCK_FILE);
  const start = Date.now();
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const holder = tryCreateOwned(file);
    if (!holder) break;
    if (Date.now() - start > waitMs) {
      throw new UsageError(
        `${dir} is locked by ${describeHolder(holder)}; wait for it to finish, or remove ${file} if that process is gone`,
      );
    }
    sleepSync(delay);
  }
  try {
    return fn();
  } finally {
    releaseOwned(file);
  }
}

/** The holder of a folder's lock, if any (for `pnpm study --check`). */
export function folderLockHolder(dir: string): LockHolder | undefined {
  const file = path.join(dir, LOCK_FILE);
  return existsSync(file) ? readHolder(file) : undefined;
}

/** The holder of a job's claim, if any (for `pnpm study --check`). */
export function jobClaimHolder(dir: string, key: string): LockHolder | undefined {
  const file = path.join(dir, CLAIMS_DIR, key);
  return existsSync(file) ? readHolder(file) : undefined;
}

/**
 * Claims one job of a shared study folder (DIR/claims/KEY, pid and host
 * inside) so that a second study or a worker trains another one. Returns the
 * live holder when someone else has it; a claim left by a dead process on
 * this host is taken over (its job resumes from its checkpoint).
 */
export function claimJob(dir: string, key: string): LockHolder | undefined {
  return tryCreateOwned(path.join(dir, CLAIMS_DIR, key));
}

export function releaseJob(dir: string, key: string): void {
  releaseOwned(path.join(dir, CLAIMS_DIR, key));
}
