// Resolves backend options (GEMM choice, threads) from arguments and environment.
import { availableParallelism } from 'node:os';
import type { NativeAddon } from './addon.ts';

export type GemmChoice = 'openblas' | 'bundled';

export interface NativeOptions {
  /** Threads for GEMM and large elementwise kernels (default: CURTAIN_THREADS or all cores). */
  threads?: number;
  /** GEMM implementation; 'openblas' falls back to 'bundled' when the addon was built without it. */
  gemm?: GemmChoice;
  /** Backend name to register (default 'native'). */
  name?: string;
}

export interface NativeConfig {
  name: string;
  blas: GemmChoice;
  threads: number;
}

/** CURTAIN_THREADS as a positive integer, undefined when unset; an error naming the variable otherwise. */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.CURTAIN_THREADS;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`CURTAIN_THREADS must be a positive integer, got '${raw}'`);
  return n;
}

export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  return threadsFromEnv(env) ?? availableParallelism();
}

export function resolveConfig(addon: NativeAddon, opts: NativeOptions = {}): NativeConfig {
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  const wanted = opts.gemm ?? 'openblas';
  const blas: GemmChoice = wanted === 'openblas' && addon.haveOpenblas ? 'openblas' : 'bundled';
  return { name: opts.name ?? 'native', blas, threads };
}
