import { describe, expect, it } from 'vitest';
import { describeSessions, type StudySession } from '../src/study-sessions.ts';

const session = (wall_seconds: number, rows_written: number): StudySession => ({
  started_at: '2026-12-02T01:00:00.000Z',
  finished_at: '2026-12-02T01:30:00.000Z',
  wall_seconds,
  workers: 2,
  host_cpu: 'AMD EPYC',
  host_cores: 2,
  rows_written,
});

describe('describeSessions', () => {
  it('gives the wall time of a study whose recorded sessions wrote every row', () => {
    expect(describeSessions([session(600, 40), session(1200, 26), session(5, 0)], 66)).toBe(
      'The study took 30.0 min of wall time in 2 sessions with 2 workers, on AMD EPYC (2 cores).',
    );
  });

  it('does not pass a resumed session off as the whole study when killed sessions wrote rows', () => {
    const sentence = describeSessions([session(1602, 18)], 150);
    expect(sentence).toContain('wrote 18 of the 150 rows');
    expect(sentence).not.toMatch(/^The study took/);
  });

  it('says nothing without a session that wrote rows', () => {
    expect(describeSessions([session(5, 0)], 10)).toBeUndefined();
  });
});
