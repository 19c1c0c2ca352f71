import { fixCpuKernels } from './cpu-fixes.ts';
import { tf } from './tf.ts';

/** The active tfjs backend as result rows record it (chosen by @curtain/zoo's selectBackend). */
export interface BackendInfo {
  /** curtain's name for it: 'native', 'cpu', 'wasm', 'tensorflow', ... */
  name: string;
  /** The name tfjs knows it by (tfjs-node registers 'tensorflow'). */
  tfBackend: string;
  /** Where matrix products run. */
  blas: string;
  threads: number;
}

/**
 * Activates the plain JavaScript cpu backend (the default for unit tests).
 * Any other backend is chosen at run time by @curtain/zoo's selectBackend.
 */
export async function useCpuBackend(): Promise<BackendInfo> {
  fixCpuKernels();
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error("tfjs could not initialise backend 'cpu'");
  await tf.ready();
  // The cpu backend prints an advert for tfjs-node on first use; curtain says what it chose itself.
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if ('firstUse' in backend) backend.firstUse = false;
  return { name: 'cpu', tfBackend: 'cpu', blas: 'none (JavaScript)', threads: 1 };
}
