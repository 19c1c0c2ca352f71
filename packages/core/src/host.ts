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

/** What this machine is: the one reading of it that study rows and benchmark rows both record. */
export interface MachineFacts {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  tfjs: string;
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpu: (cpus[0]?.model ?? 'unknown').trim(),
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: tf.version_core,
  };
}

export function hostFingerprint(backend: BackendInfo): HostFingerprint {
  const machine = machineFacts();
  return {
    host_cpu: machine.cpu,
    host_cores: machine.cores,
    host_memory_gb: machine.memoryGb,
    host_os: machine.os,
    node_version: machine.node,
    tfjs_version: machine.tfjs,
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
