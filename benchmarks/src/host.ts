// Host fingerprint columns recorded beside every benchmark row.
import { machineFacts } from '@curtain/core';

export interface HostInfo {
  cpu_model: string;
  cores: number;
  memory_gb: number;
  os: string;
  node: string;
  tfjs: string;
  /** OpenBLAS tuning variables in effect for this run (see blasEnvironment). */
  blas_env: string;
}

/**
 * OpenBLAS variables that some hosts set for old OpenBLAS builds and that slow
 * a current one; the benchmarks run curtain and the PyTorch peers without them
 * (scripts/bench.mjs removes them from its own environment before any BLAS loads).
 */
export const BLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

/** Set by scripts/bench.mjs: what it removed, e.g. 'unset (was OPENBLAS_CORETYPE=Haswell)'. */
export const BLAS_ENV_NOTE = 'CURTAIN_BENCH_BLAS_ENV';

/** The blas_env column: the note bench.mjs left, else the variables as they are. */
export function blasEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  if (env[BLAS_ENV_NOTE]) return env[BLAS_ENV_NOTE];
  const set = BLAS_OVERRIDES.filter((k) => env[k] !== undefined).map((k) => `${k}=${env[k]}`);
  return set.length ? set.join(' ') : 'unset';
}

export function hostInfo(): HostInfo {
  const machine = machineFacts();
  return {
    cpu_model: machine.cpu,
    cores: machine.cores,
    memory_gb: machine.memoryGb,
    os: machine.os,
    node: machine.node,
    tfjs: machine.tfjs,
    blas_env: blasEnvironment(),
  };
}
