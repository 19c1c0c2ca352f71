// Registers the native backend: all cpu kernels, native overrides, CurtainAdam.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.ts';
import { NativeBackend } from './backend.ts';
import { defaultThreads, type NativeConfig, type NativeOptions, resolveConfig } from './config.ts';
import { nativeOnlyKernels, nativeOverrides } from './kernels/index.ts';
import { withFallback } from './kernels/types.ts';

export interface NativeRegistration {
  name: string;
  blas: string;
  threads: number;
}

export function nativeAvailability(): { built: boolean; reason?: string } {
  const r = loadAddon();
  return r.addon ? { built: true } : { built: false, reason: r.reason };
}

function isRegistered(name: string): boolean {
  return (tf.engine().registryFactory as Record<string, unknown>)[name] !== undefined;
}

function registrationOf(name: string): NativeRegistration {
  const b = tf.findBackend(name);
  if (!(b instanceof NativeBackend)) throw new Error(`backend '${name}' is registered but is not a native backend`);
  return { name, blas: b.config.blas, threads: b.config.threads };
}

function registerKernels(name: string): void {
  const overrides = new Map(nativeOverrides.map((o) => [o.kernelName, o.impl]));
  for (const cfg of tf.getKernelsForBackend('cpu')) {
    if (tf.getKernel(cfg.kernelName, name)) continue;
    const impl = overrides.get(cfg.kernelName);
    tf.registerKernel(
      impl
        ? { kernelName: cfg.kernelName, backendName: name, kernelFunc: withFallback(impl, cfg.kernelFunc, cfg.kernelName) }
        : { ...cfg, backendName: name },
    );
  }
  for (const { kernelName, impl } of nativeOnlyKernels) {
    if (!tf.getKernel(kernelName, name))
      tf.registerKernel({ kernelName, backendName: name, kernelFunc: withFallback(impl, undefined, kernelName) });
  }
}

/**
 * Registers the native backend under opts.name ?? 'native' (idempotent: a second
 * call with the same name returns the existing registration). Does not call
 * tf.setBackend. Throws when the addon is not built (see nativeAvailability()).
 */
export function registerNativeBackend(opts: NativeOptions = {}): NativeRegistration {
  const name = opts.name ?? 'native';
  if (isRegistered(name)) return registrationOf(name);
  const load = loadAddon();
  if (!load.addon) throw new Error(`native backend unavailable: ${load.reason}`);
  const addon = load.addon;
  const config: NativeConfig = resolveConfig(addon, { ...opts, name });
  tf.registerBackend(name, () => new NativeBackend(addon, config), 0);
  registerKernels(name);
  return { name, blas: config.blas, threads: config.threads };
}

/**
 * BLAS and thread count of the active backend when it is native, else of the
 * named backend, else of the configuration registerNativeBackend() would use.
 */
export function nativeInfo(name?: string): NativeRegistration & { active: boolean } {
  const active = tf.engine().backendName;
  const target = name ?? active;
  if (target && isRegistered(target) && tf.findBackend(target) instanceof NativeBackend) {
    return { ...registrationOf(target), active: target === active };
  }
  const load = loadAddon();
  const blas = load.addon?.haveOpenblas ? 'openblas' : load.addon ? 'bundled' : 'unavailable';
  return { name: name ?? 'native', blas, threads: defaultThreads(), active: false };
}
