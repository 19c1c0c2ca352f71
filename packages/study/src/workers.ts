import { spawn } from 'node:child_process';
import { Progress } from './progress.ts';

/** Environment variable telling a study process it is worker i of n (set by runWorkers, read by the study command). */
export const WORKER_ENV = 'CURTAIN_WORKER';

/** What a worker prints on stdout, one JSON object per line, for the parent's progress bar. */
export type WorkerEvent = { total: number } | { advance: number; label: string };

export interface WorkerIdentity {
  index: number;
  count: number;
}

/** Reads CURTAIN_WORKER=i/n; undefined when this process is not a worker. */
export function workerIdentity(env: NodeJS.ProcessEnv = process.env): WorkerIdentity | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(env[WORKER_ENV] ?? '');
  return match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
}

/** A progress sink that writes WorkerEvents to stdout (a worker's side of the protocol). */
export function workerProgress(stream: NodeJS.WritableStream = process.stdout): {
  begin(total: number): void;
  advance(amount: number, label: string): void;
} {
  const send = (event: WorkerEvent) => stream.write(`${JSON.stringify(event)}\n`);
  return {
    begin: (total) => send({ total }),
    advance: (amount, label) => {
      if (amount > 0) send({ advance: amount, label });
    },
  };
}

export interface WorkersOptions {
  count: number;
  /** The command each worker runs: the same study, whose process sees CURTAIN_WORKER and CURTAIN_THREADS=1. */
  command: string[];
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface WorkerFailure {
  index: number;
  /** Exit code or signal, and the last lines it wrote to stderr. */
  reason: string;
}

/**
 * Runs `count` single-threaded study processes on one output folder. They
 * share the plan through the folder's job claims (longest job first) and
 * append rows under its lock, so no row is written twice and a worker's death
 * loses only its unfinished job (which another worker or a rerun resumes
 * from its checkpoint). Shows one progress bar for all of them; returns the
 * workers that failed, each with its exit status and last error lines.
 */
export async function runWorkers(opts: WorkersOptions): Promise<WorkerFailure[]> {
  let progress: Progress | undefined;
  const pendingAdvance: Array<[number, string]> = [];
  const onEvent = (index: number, event: WorkerEvent) => {
    if ('total' in event) {
      // every worker estimates the same plan; the first estimate sizes the bar
      if (!progress) {
        progress = new Progress(event.total, `of estimated work (training + sampling FLOPs), ${opts.count} workers`);
        for (const [amount, label] of pendingAdvance.splice(0)) progress.advance(amount, label);
      }
      return;
    }
    const label = `[worker ${index}] ${event.label}`;
    if (progress) progress.advance(event.advance, label);
    else pendingAdvance.push([event.advance, label]);
  };
  const runs = Array.from({ length: opts.count }, (_, i) => runOne(i + 1, opts, onEvent));
  const failures = (await Promise.all(runs)).filter((f): f is WorkerFailure => f !== undefined);
  progress?.finish(failures.length === 0 ? 'done' : `${failures.length} worker(s) failed`);
  return failures;
}

function runOne(
  index: number,
  opts: WorkersOptions,
  onEvent: (index: number, event: WorkerEvent) => void,
): Promise<WorkerFailure | undefined> {
  return new Promise((resolve) => {
    const [file, ...args] = opts.command;
    const child = spawn(file, args, {
      env: { ...(opts.env ?? process.env), [WORKER_ENV]: `${index}/${opts.count}`, CURTAIN_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderrTail: string[] = [];
    lines(child.stdout, (line) => {
      try {
        onEvent(index, JSON.parse(line) as WorkerEvent);
      } catch {
        opts.log(`[worker ${index}] ${line}`);
      }
    });
    lines(child.stderr, (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      opts.log(`[worker ${index}] ${line}`);
    });
    child.on('error', (error) => resolve({ index, reason: `could not start: ${error.message}` }));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(undefined);
      const status = signal ? `killed by ${signal}` : `exited with code ${code}`;
      const lastError = stderrTail.filter((l) => l.trim() !== '').slice(-5);
      resolve({ index, reason: `${status}${lastError.length ? `: ${lastError.join(' | ')}` : ''}` });
    });
  });
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part !== '') onLine(part);
  });
  stream.on('end', () => {
    if (buffered !== '') onLine(buffered);
  });
}
