// The one atomic write and the one file-error message every package uses.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';

/** What an fs error code means to a user, for messages that name the file. */
const CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EFBIG: 'file too large for the disk or its quota (disk full?)',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'a part of the path is a file, expected a folder',
  ENOENT: 'not found',
};

/** A UsageError naming `file`, what was being done and why it failed (disk full, permission, not a file). */
export function fileError(file: string, doing: string, error: unknown): UsageError {
  if (error instanceof UsageError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code ? `${CAUSES[code] ?? code}${CAUSES[code] ? ` (${code})` : ''}` : (error as Error).message;
  return new UsageError(`${file}: cannot ${doing}: ${cause}`);
}

/**
 * Writes a file through a temporary file and a rename, so a reader sees the
 * old or the new file, never half of one; a failure (disk full, permission)
 * removes the temporary file and names the target and the cause.
 */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the temporary file could not be removed either; the error below names the target
    }
    throw fileError(file, 'write', error);
  }
}
