import os from 'node:os';
import type { BackendInfo } from './backend.ts';
import { tf } from './tf.ts';

/** Columns every result row carries, so runs from different machines compare. */
export interface HostFingerprint {
  host_cpu: string;
  host_cores: number;
  host_memory_gb: number;
  host_os: string;
  node_version: string;
  tfjs_version: string;
  backend: string;
  blas: string;
  threads: number;
}

export function hostFingerprint(backend: BackendInfo): HostFingerprint {
  const cpus = os.cpus();
  return {
    host_cpu: (cpus[0]?.model ?? 'unknown').trim(),
    host_cores: cpus.length,
    host_memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    host_os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node_version: process.version,
    tfjs_version: tf.version_core,
    backend: backend.name,
    blas: backend.blas,
    threads: backend.threads,
  };
}

export const HOST_COLUMNS: ReadonlyArray<keyof HostFingerprint> = [
  'host_cpu',
  'host_cores',
  'host_memory_gb',
  'host_os',
  'node_version',
  'tfjs_version',
  'backend',
  'blas',
  'threads',
];
