// Host fingerprint columns recorded beside every benchmark row.
import { cpus, platform, release, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

export interface HostInfo {
  cpu_model: string;
  cores: number;
  memory_gb: number;
  os: string;
  node: string;
  tfjs: string;
}

export function hostInfo(): HostInfo {
  const c = cpus();
  return {
    cpu_model: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    tfjs: tf.version_core,
  };
}
