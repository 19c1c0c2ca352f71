// Registers tfjs-backend-webgpu on an adapter this package opened itself, so no
// `navigator` global is needed and the adapter is known to the caller.

import * as tf from '@tensorflow/tfjs-core';
import { type AdapterDescription, adapterLabel, defineWebgpuGlobals, openAdapter } from './adapter.ts';
import { registerChunkedAddN } from './kernels.ts';

export interface WebgpuRegistration {
  name: string;
  adapter: AdapterDescription;
  /** adapterLabel(adapter): what the `blas` host column records. */
  label: string;
}

const registered = new Map<string, WebgpuRegistration>();

/**
 * Registers the webgpu backend under opts.name ?? 'webgpu' (idempotent per
 * name). Does not call tf.setBackend. Throws with the reason when no adapter
 * of the asked kind exists.
 */
export async function registerWebgpuBackend(opts: { software?: boolean; name?: string } = {}): Promise<WebgpuRegistration> {
  const name = opts.name ?? 'webgpu';
  const existing = registered.get(name);
  if (existing && tf.engine().registryFactory[name]) return existing;
  const opened = await openAdapter({ software: opts.software ?? false });
  if (typeof opened === 'string') throw new Error(`webgpu backend unavailable: ${opened}`);
  // Imported before navigator.gpu exists, so the module does not register its
  // own 'webgpu' factory (which asks for a core-feature-level adapter).
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  registerChunkedAddN();
  // Otherwise small kernels whose inputs still sit in host memory (weights just
  // loaded from a checkpoint) run on the CPU with other rounding than on the
  // device, and a resumed run would drift from an uninterrupted one.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  defineWebgpuGlobals(opened.gpu, opened.globals);
  const { adapter } = opened;
  const limits = adapter.limits;
  // The same device request tfjs-backend-webgpu makes for its own registration.
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  tf.registerBackend(name, () => new WebGPUBackend(device, adapter.info), 0);
  const registration = { name, adapter: opened.description, label: adapterLabel(opened.description) };
  registered.set(name, registration);
  return registration;
}
