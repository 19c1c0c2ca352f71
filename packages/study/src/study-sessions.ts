import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@curtain/core';
import { readStudyJson } from './comparable.ts';
import { readRunRows } from './runs-file.ts';

/**
 * One invocation of a study that ran to the end (`pnpm study` or `pnpm
 * reports`, all its workers included). A study resumed across interruptions
 * has several; its wall time is their sum (time between sessions is not
 * counted, time spent in a session that was killed is lost from the record).
 */
export interface StudySession {
  started_at: string;
  finished_at: string;
  wall_seconds: number;
  workers: number;
  host_cpu: string;
  host_cores: number;
  /** Rows this session appended (0 for a session that found everything done). */
  rows_written: number;
}

/** Appends a finished session to DIR/study.json (kept when a later run rewrites the file). */
export function recordSession(dir: string, session: StudySession): void {
  const study = (readStudyJson(dir) ?? {}) as Record<string, unknown>;
  const sessions = sessionsOf(study);
  writeFileAtomic(path.join(dir, 'study.json'), JSON.stringify({ ...study, sessions: [...sessions, session] }, null, 2));
}

export function sessionsOf(study: { sessions?: unknown }): StudySession[] {
  return Array.isArray(study.sessions) ? (study.sessions as StudySession[]) : [];
}

/**
 * "The study took 31.2 min of wall time in 1 session with 2 workers, on AMD
 * EPYC (2 cores)." When the folder holds more rows than the recorded sessions
 * wrote, some came from sessions killed before they finished, and the sentence
 * says so instead of passing the recorded time off as the whole study's.
 * Undefined where no session was recorded.
 */
export function describeSessions(sessions: StudySession[], rowsPresent: number): string | undefined {
  const trained = sessions.filter((s) => s.rows_written > 0);
  if (trained.length === 0) return undefined;
  const minutes = trained.reduce((sum, s) => sum + s.wall_seconds, 0) / 60;
  const written = trained.reduce((sum, s) => sum + s.rows_written, 0);
  const hosts = [...new Set(trained.map((s) => `${s.host_cpu} (${s.host_cores} cores)`))].join('; ');
  const workers = [...new Set(trained.map((s) => s.workers))].join('/');
  const count = trained.length === 1 ? '1 session' : `${trained.length} sessions`;
  const recorded = `${minutes.toFixed(1)} min of wall time in ${count} with ${workers} worker${workers === '1' ? '' : 's'}, on ${hosts}`;
  if (written >= rowsPresent) return `The study took ${recorded}.`;
  return `The recorded sessions (${recorded}) wrote ${written} of the ${rowsPresent} rows; the others came from sessions killed before they finished, whose time is not recorded.`;
}

/** Rows in DIR/runs.csv now (0 before the first run). */
export function runsCount(dir: string): number {
  const file = path.join(dir, 'runs.csv');
  return existsSync(file) ? readRunRows(file).length : 0;
}

/** Records the session that started at `startedMs` with `rowsBefore` rows in runs.csv and has just finished. */
export function finishSession(dir: string, startedMs: number, workers: number, rowsBefore: number): StudySession {
  const cpus = os.cpus();
  const session: StudySession = {
    started_at: new Date(startedMs).toISOString(),
    finished_at: new Date().toISOString(),
    wall_seconds: Math.round((Date.now() - startedMs) / 100) / 10,
    workers,
    host_cpu: (cpus[0]?.model ?? 'unknown').trim(),
    host_cores: cpus.length,
    rows_written: runsCount(dir) - rowsBefore,
  };
  recordSession(dir, session);
  return session;
}
