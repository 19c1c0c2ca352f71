// Helpers the paradigm suites (train, sample) share: backend activation by
// name, one tinybench timing with its statistics, the PyTorch peer runner for
// any script in peers/, the merged reference config of a registry entry.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommonConfig, ParadigmEntry } from '@curtain/core';
import { selectBackend } from '@curtain/zoo';
import { Bench } from 'tinybench';
import type { HostInfo } from './host.ts';
import type { SuiteOptions, SuiteRow } from './suite.ts';

export interface ActiveBackend {
  name: string;
  /** The name tfjs knows it by ('' when it could not be activated). */
  tfBackend: string;
  blas: string;
  threads: number;
  /** Why the backend could not be used (the row is kept, its figures empty). */
  note?: string;
}

/** Backends a suite runs: `--backend a,b`, else the best one this host has. */
export function wantedBackends(opts: SuiteOptions): (string | undefined)[] {
  return opts.backend
    ? opts.backend
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [undefined];
}

/**
 * Makes `name` (or the best available backend when undefined) the active tfjs
 * backend. 'native-bundled' is the native addon with its bundled GEMM, as in
 * the engine suite. `threads` sizes the native backend (default: CURTAIN_THREADS
 * or all cores; a backend already registered keeps its count).
 */
export async function activateBackend(name: string | undefined, threads?: number): Promise<ActiveBackend> {
  try {
    const info = await selectBackend(name, { threads });
    return { name: info.name, tfBackend: info.tfBackend, blas: info.blas, threads: info.threads };
  } catch (err) {
    return { name: name ?? 'default', tfBackend: '', blas: 'unavailable', threads: 0, note: errorNote(err) };
  }
}

/** tinybench iteration budget: at least `iterations` runs and `time` ms, after warm-up. */
export interface TimingBudget {
  iterations: number;
  time: number;
  warmupIterations: number;
}

export interface Timing {
  /** Latency of one call, ms. */
  ms_mean: number;
  ms_p50: number;
  ms_p99: number;
  /** Relative margin of error of the mean, percent (95%). */
  rme_pct: number | '';
  iterations: number;
}

/** Times `fn` with tinybench (warm-up first); `fn` must read its results back. */
export async function timeIt(label: string, fn: () => unknown, budget: TimingBudget): Promise<Timing> {
  const bench = new Bench({
    iterations: budget.iterations,
    time: budget.time,
    warmup: budget.warmupIterations > 0,
    warmupIterations: budget.warmupIterations,
    warmupTime: 0,
    throws: true,
  });
  bench.add(label, fn);
  const [task] = await bench.run();
  const res = task.result;
  if (res.state !== 'completed') throw res.state === 'errored' ? res.error : new Error(`${label}: task ${res.state}`);
  const l = res.latency;
  return {
    ms_mean: round(l.mean, 3),
    ms_p50: round(l.p50 ?? l.mean, 3),
    ms_p99: round(l.p99 ?? l.max, 3),
    rme_pct: Number.isFinite(l.rme) ? round(l.rme, 2) : '',
    iterations: l.samplesCount,
  };
}

const PEERS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers');

export interface PeerRun<T> {
  result?: T;
  /** Why there is no peer figure (torch missing, the script failed, ...). */
  note?: string;
}

/**
 * The peer's environment. OMP_WAIT_POLICY=PASSIVE (unless set): on a host whose
 * cores other processes also use, OpenMP's default spinning barriers made a
 * 2-thread PyTorch step 15-30x slower than with passive waiting (measured on
 * the 2-core reference machine under load ~8), which would flatter curtain.
 */
export function peerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, OMP_WAIT_POLICY: env.OMP_WAIT_POLICY ?? 'PASSIVE' };
}

/**
 * Runs peers/<script> with /usr/bin/python3 (CURTAIN_PYTHON overrides) when it
 * can import torch, and parses the last line it prints as JSON.
 */
export function runPythonPeer<T>(script: string, args: string[], timeoutMs = 900_000): PeerRun<T> {
  const python = process.env.CURTAIN_PYTHON ?? '/usr/bin/python3';
  if (process.env.CURTAIN_NO_PEER) return { note: 'peer skipped: CURTAIN_NO_PEER is set' };
  if (!existsSync(python)) return { note: `peer skipped: ${python} not found` };
  if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0)
    return { note: `peer skipped: torch not importable by ${python}` };
  const r = spawnSync(python, [join(PEERS_DIR, script), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
    env: peerEnv(),
  });
  if (r.error) return { note: `peer failed: ${r.error.message}` };
  if (r.status !== 0) return { note: `peer failed: ${(r.stderr ?? '').trim().split('\n').pop()}` };
  try {
    return { result: JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as T };
  } catch {
    return { note: `peer ${script} printed no JSON` };
  }
}

export interface PeerOutput<C> {
  torch: string;
  threads: number;
  cases: C[];
}

/** Median, minimum and maximum of a figure over the repeats that produced one. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many repeats gave a figure. */
  count: number;
}

/** The spread of `values` (undefined when there are none); the median of an even count is the lower middle, a value that was measured. */
export function spreadOf(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)], min: sorted[0], max: sorted[sorted.length - 1], count: sorted.length };
}

/** The index of the repeat whose value is the median of `values` (so a row's other columns come from that repeat). */
export function medianIndex(values: number[]): number {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor((order.length - 1) / 2)][1];
}

/**
 * A suite's PyTorch peer, run once per repeat and thread count, interleaved
 * with curtain's repeats (the suite calls `run` before each of its own), so a
 * host whose speed drifts during the run moves both sides' medians alike.
 */
export class PeerRunner<C extends { note?: string }> {
  private readonly runs = new Map<number, PeerRun<PeerOutput<C>>[]>();

  constructor(
    private readonly enabled: boolean,
    private readonly script: string,
    private readonly args: (threads: number) => string[],
    private readonly log: (line: string) => void,
  ) {}

  /** One more run of the peer with this thread count (when it is enabled). */
  run(threads: number): void {
    if (!this.enabled) return;
    const runs = this.runs.get(threads) ?? [];
    this.log(`${this.script}: PyTorch peer with ${threads} thread(s), run ${runs.length + 1}...`);
    runs.push(runPythonPeer<PeerOutput<C>>(this.script, ['--threads', String(threads), ...this.args(threads)]));
    this.runs.set(threads, runs);
  }

  /** One case's figure over the runs (`value` of each run's matching case), with that case from the median run, or why there is none. */
  figures(
    threads: number,
    match: (c: C) => boolean,
    value: (c: C) => number,
  ): { spread?: Spread; found?: C; note?: string; torch?: string; threads?: number } {
    if (!this.enabled) return { note: 'peer not run' };
    const runs = this.runs.get(threads) ?? [];
    const cases = runs.map((r) => r.result?.cases.find(match)).filter((c): c is C => c !== undefined && !c.note);
    const output = runs.find((r) => r.result)?.result;
    if (cases.length > 0) {
      const values = cases.map(value);
      return { spread: spreadOf(values), found: cases[medianIndex(values)], torch: output?.torch, threads: output?.threads };
    }
    const failed = runs.map((r) => r.result?.cases.find(match)?.note).find(Boolean);
    return {
      note: failed ? `peer: ${failed}` : (runs.find((r) => r.note)?.note ?? 'peer has no such case'),
      torch: output?.torch,
      threads: output?.threads,
    };
  }
}

/** The config a benchmark times: the entry's defaults with its reference size applied. */
export function referenceConfig(entry: ParadigmEntry): CommonConfig {
  const size = entry.sizes[entry.referenceSize];
  if (!size)
    throw new Error(
      `${entry.variant}: referenceSize '${entry.referenceSize}' is not one of its sizes (${Object.keys(entry.sizes).join(', ')})`,
    );
  return { ...entry.defaults, ...size } as CommonConfig;
}

/** Variants whose name contains the filter (all when it is empty). */
export function filterVariants(names: string[], filter?: string): string[] {
  return names.filter((n) => !filter || n.includes(filter));
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Significant-digit rounding for figures that span orders of magnitude (FLOPs). */
export function sig(x: number, digits = 4): number {
  return Number(x.toPrecision(digits));
}

export function errorNote(err: unknown): string {
  return `error: ${((err as Error)?.message ?? String(err)).split('\n')[0].slice(0, 200)}`;
}

/** Adds a clause to a row's `note` column ('; '-separated), keeping what was there. */
export function appendNote(row: { note?: unknown }, text: string | undefined): void {
  row.note = [row.note, text].filter(Boolean).join('; ');
}

/** A train or sample row: every one of `columns` empty, then `fields`, the host columns and the peer's (filled in later). */
export function suiteRow(
  columns: readonly string[],
  fields: SuiteRow,
  backend: ActiveBackend,
  host: HostInfo,
  peerThreads: number,
): SuiteRow {
  return {
    ...Object.fromEntries(columns.map((column) => [column, ''])),
    ...fields,
    ...host,
    blas: backend.blas,
    threads: backend.threads,
    peer_torch: '',
    peer_threads: peerThreads,
  };
}
