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

export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.CURTAIN_THREADS ?? '', 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

export function resolveConfig(addon: NativeAddon, opts: NativeOptions = {}): NativeConfig {
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  const wanted = opts.gemm ?? 'openblas';
  const blas: GemmChoice = wanted === 'openblas' && addon.haveOpenblas ? 'openblas' : 'bundled';
  return { name: opts.name ?? 'native', blas, threads };
}
