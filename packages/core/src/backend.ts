import { createRequire } from 'node:module';
import { fixCpuKernels } from './cpu-fixes.ts';
import { UsageError } from './errors.ts';
import { tf } from './tf.ts';

/** Backends in order of preference. */
export const BACKEND_NAMES = ['tensorflow', 'native', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  name: BackendName;
  /** The name tfjs knows it by (tfjs-node registers 'tensorflow'). */
  tfBackend: string;
  /** Where matrix products run. */
  blas: string;
  threads: number;
}

export interface Availability {
  available: boolean;
  reason?: string;
}

const requireFromHere = createRequire(import.meta.url);

function resolvable(specifier: string): boolean {
  try {
    requireFromHere.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

interface NativeModule {
  nativeAvailability(): { built: boolean; reason?: string };
  registerNativeBackend(opts?: { threads?: number; gemm?: 'openblas' | 'bundled'; name?: string }): {
    name: string;
    blas: string;
    threads: number;
  };
}

async function loadNative(): Promise<NativeModule | string> {
  try {
    const mod = (await import('@curtain/backend-native')) as Partial<NativeModule>;
    if (typeof mod.nativeAvailability !== 'function') return '@curtain/backend-native exports no addon';
    const status = mod.nativeAvailability();
    return status.built ? (mod as NativeModule) : (status.reason ?? 'the addon is not built');
  } catch (error) {
    return `@curtain/backend-native could not be loaded (${(error as Error).message})`;
  }
}

/** Which backends this process could use, with the reason for each one it cannot. */
export async function probeBackends(): Promise<Record<BackendName, Availability>> {
  const tensorflow = resolvable('@tensorflow/tfjs-node-gpu') || resolvable('@tensorflow/tfjs-node');
  const native = await loadNative();
  const wasm = resolvable('@tensorflow/tfjs-backend-wasm');
  return {
    tensorflow: tensorflow
      ? { available: true }
      : { available: false, reason: 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed' },
    native: typeof native === 'string' ? { available: false, reason: native } : { available: true },
    wasm: wasm ? { available: true } : { available: false, reason: '@tensorflow/tfjs-backend-wasm is not installed' },
    cpu: { available: true },
  };
}

const HOW_TO_GET: Record<BackendName, string> = {
  tensorflow:
    'install it yourself on a machine that can download libtensorflow: `pnpm add -w @tensorflow/tfjs-node` (or @tensorflow/tfjs-node-gpu on a CUDA host)',
  native:
    'it is built by `pnpm install` and needs g++ and make (apt-get install build-essential; libopenblas-dev for OpenBLAS); run `pnpm install` again after installing them',
  wasm: 'run `pnpm install` (it is a dependency of @curtain/core)',
  cpu: '',
};

/**
 * The backend named by `--backend NAME` in argv, else CURTAIN_BACKEND, else
 * undefined (meaning: the best available).
 */
export function requestedBackend(argv: readonly string[] = process.argv, env = process.env): string | undefined {
  const index = argv.indexOf('--backend');
  if (index >= 0) {
    const value = argv[index + 1];
    if (!value || value.startsWith('--')) throw new UsageError(`--backend needs a value: one of ${BACKEND_NAMES.join(', ')}`);
    return value;
  }
  const inline = argv.find((arg) => arg.startsWith('--backend='));
  if (inline) return inline.slice('--backend='.length);
  return env.CURTAIN_BACKEND || undefined;
}

export interface SelectOptions {
  /** Threads for the native backend (default: CURTAIN_THREADS or all cores). */
  threads?: number;
  /** Print the line saying which backend was chosen and why others were skipped. */
  log?: (line: string) => void;
}

/**
 * Makes `requested` (or the best available backend) the active tfjs backend.
 * Asking for an unavailable backend is one UsageError that says how to get it.
 */
export async function selectBackend(requested?: string, opts: SelectOptions = {}): Promise<BackendInfo> {
  if (requested !== undefined && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new UsageError(`--backend: unknown backend '${requested}'; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  const availability = await probeBackends();
  let name: BackendName;
  if (requested) {
    name = requested as BackendName;
    const status = availability[name];
    if (!status.available) {
      throw new UsageError(`--backend ${name}: not available (${status.reason}); ${HOW_TO_GET[name]}`);
    }
  } else {
    name = BACKEND_NAMES.find((candidate) => availability[candidate].available) ?? 'cpu';
    const skipped = BACKEND_NAMES.slice(0, BACKEND_NAMES.indexOf(name));
    for (const s of skipped) opts.log?.(`backend ${s} skipped: ${availability[s].reason}`);
  }
  const info = await activate(name, opts);
  opts.log?.(`backend ${info.name} (${info.blas}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`);
  return info;
}

function envThreads(): number | undefined {
  const raw = process.env.CURTAIN_THREADS;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`CURTAIN_THREADS must be a positive integer, got '${raw}'`);
  return n;
}

async function activate(name: BackendName, opts: SelectOptions): Promise<BackendInfo> {
  switch (name) {
    case 'tensorflow': {
      const gpu = resolvable('@tensorflow/tfjs-node-gpu');
      await import(gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      await setOrThrow('tensorflow');
      return { name, tfBackend: 'tensorflow', blas: gpu ? 'libtensorflow (CUDA)' : 'libtensorflow (Eigen)', threads: 0 };
    }
    case 'native': {
      const native = (await loadNative()) as NativeModule;
      const registered = native.registerNativeBackend({ threads: opts.threads ?? envThreads() });
      await setOrThrow(registered.name);
      return { name, tfBackend: registered.name, blas: registered.blas, threads: registered.threads };
    }
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      await setOrThrow('wasm');
      return { name, tfBackend: 'wasm', blas: 'XNNPACK (wasm)', threads: 1 };
    }
    default: {
      fixCpuKernels();
      await setOrThrow('cpu');
      silenceCpuBanner();
      return { name: 'cpu', tfBackend: 'cpu', blas: 'none (JavaScript)', threads: 1 };
    }
  }
}

async function setOrThrow(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new UsageError(`--backend: tfjs could not initialise backend '${tfName}'`);
  await tf.ready();
}

/** The cpu backend prints an advert for tfjs-node on first use; curtain says what it chose itself. */
function silenceCpuBanner(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if ('firstUse' in backend) backend.firstUse = false;
}

/** Activates the plain cpu backend: the default for unit tests. */
export async function useCpuBackend(): Promise<BackendInfo> {
  return activate('cpu', {});
}
