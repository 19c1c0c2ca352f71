// What backend selection needs from this package: whether a webgpu adapter of
// the wanted kind exists, how to get one, and the activation itself.
import * as tf from '@tensorflow/tfjs-core';
import { openAdapter } from './adapter.ts';
import { registerWebgpuBackend } from './register.ts';

/** CURTAIN_WEBGPU_SOFTWARE=1 asks for Mesa's llvmpipe instead of a GPU. */
export function webgpuSoftwareRequested(env: NodeJS.ProcessEnv): boolean {
  return env.CURTAIN_WEBGPU_SOFTWARE === '1';
}

/** Whether `--backend webgpu` would find an adapter (a GPU, or llvmpipe when asked for). */
export async function webgpuAvailability(software: boolean): Promise<{ available: boolean; reason?: string }> {
  const opened = await openAdapter({ software });
  return typeof opened === 'string' ? { available: false, reason: opened } : { available: true };
}

export const WEBGPU_HOW_TO_GET =
  'it needs a GPU with a Vulkan driver (apt-get install libvulkan1 and the vendor driver; in containers NVIDIA_DRIVER_CAPABILITIES must include graphics); ' +
  "for Mesa's software adapter set CURTAIN_WEBGPU_SOFTWARE=1 (apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)";

/** Registers and activates tfjs's webgpu backend; `blas` names the adapter for the host columns. */
export async function activateWebgpu(software: boolean): Promise<{ tfBackend: string; blas: string; threads: number }> {
  const registration = await registerWebgpuBackend({ software });
  if (!(await tf.setBackend(registration.name))) throw new Error(`tfjs could not initialise backend '${registration.name}'`);
  await tf.ready();
  return { tfBackend: registration.name, blas: registration.label, threads: 0 };
}
