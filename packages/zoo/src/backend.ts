// Runtime backend choice: which tfjs backends this process can use, and the
// one function that activates one. Callers parse `--backend` / CURTAIN_BACKEND
// themselves (requestedBackend) and pass the name in; nothing here reads argv.
import { createRequire } from 'node:module';
import { activateWebgpu, WEBGPU_HOW_TO_GET, webgpuAvailability, webgpuSoftwareRequested } from '@curtain/backend-webgpu';
import { type BackendInfo, tf, UsageError, useCpuBackend } from '@curtain/core';

/** Backends in order of preference. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'native', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Names `selectBackend` also accepts: the native addon with its bundled GEMM
 * instead of OpenBLAS (the engine benchmark compares the two).
 */
export const EXTRA_BACKEND_NAMES = ['native-bundled'] as const;

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

type NativeModule = typeof import('@curtain/backend-native');

async function loadNative(): Promise<NativeModule | string> {
  try {
    const mod = await import('@curtain/backend-native');
    const status = mod.nativeAvailability();
    return status.built ? mod : (status.reason ?? 'the addon is not built');
  } catch (error) {
    return `@curtain/backend-native could not be loaded (${(error as Error).message})`;
  }
}

/** Which backends this process could use, with the reason for each one it cannot. */
export async function probeBackends(): Promise<Record<BackendName, Availability>> {
  const tensorflow = resolvable('@tensorflow/tfjs-node-gpu') || resolvable('@tensorflow/tfjs-node');
  const webgpu = await webgpuAvailability(webgpuSoftwareRequested(process.env));
  const native = await loadNative();
  const wasm = resolvable('@tensorflow/tfjs-backend-wasm');
  return {
    tensorflow: tensorflow
      ? { available: true }
      : { available: false, reason: 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed' },
    webgpu,
    native: typeof native === 'string' ? { available: false, reason: native } : { available: true },
    wasm: wasm ? { available: true } : { available: false, reason: '@tensorflow/tfjs-backend-wasm is not installed' },
    cpu: { available: true },
  };
}

const HOW_TO_GET: Record<BackendName, string> = {
  tensorflow:
    'install it yourself on a machine that can download libtensorflow: `pnpm add -w @tensorflow/tfjs-node` (or @tensorflow/tfjs-node-gpu on a CUDA host)',
  webgpu: WEBGPU_HOW_TO_GET,
  native:
    'it is built by `pnpm install` and needs g++ and make (apt-get install build-essential; libopenblas-dev for OpenBLAS); run `pnpm install` again after installing them',
  wasm: 'run `pnpm install` (it is a dependency of @curtain/zoo)',
  cpu: '',
};

/**
 * The backend named by `--backend NAME` in argv, else CURTAIN_BACKEND, else
 * undefined (meaning: the best available). The caller passes its own argv and
 * environment.
 */
export function requestedBackend(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
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
  /** Threads for the native backend (default: the addon's, i.e. all cores). */
  threads?: number;
  /** Print the line saying which backend was chosen and why others were skipped. */
  log?: (line: string) => void;
}

/**
 * Makes `requested` (or the best available backend) the active tfjs backend.
 * Asking for an unavailable backend is one UsageError that says how to get it.
 */
export async function selectBackend(requested?: string, opts: SelectOptions = {}): Promise<BackendInfo> {
  const known = [...BACKEND_NAMES, ...EXTRA_BACKEND_NAMES] as readonly string[];
  if (requested !== undefined && !known.includes(requested)) {
    throw new UsageError(`--backend: unknown backend '${requested}'; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  const availability = await probeBackends();
  let name: string;
  if (requested) {
    name = requested;
    const family = (requested === 'native-bundled' ? 'native' : requested) as BackendName;
    const status = availability[family];
    if (!status.available) {
      throw new UsageError(`--backend ${name}: not available (${status.reason}); ${HOW_TO_GET[family]}`);
    }
  } else {
    name = BACKEND_NAMES.find((candidate) => availability[candidate].available) ?? 'cpu';
    const skipped = BACKEND_NAMES.slice(0, BACKEND_NAMES.indexOf(name as BackendName));
    for (const s of skipped) opts.log?.(`backend ${s} skipped: ${availability[s].reason}`);
  }
  const info = await activate(name, opts);
  opts.log?.(`backend ${info.name} (${info.blas}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`);
  return info;
}

async function activate(name: string, opts: SelectOptions): Promise<BackendInfo> {
  switch (name) {
    case 'tensorflow': {
      const gpu = resolvable('@tensorflow/tfjs-node-gpu');
      await import(gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      await setOrThrow('tensorflow');
      return { name, tfBackend: 'tensorflow', blas: gpu ? 'libtensorflow (CUDA)' : 'libtensorflow (Eigen)', threads: 0 };
    }
    case 'webgpu':
      return { name, ...(await activateWebgpu(webgpuSoftwareRequested(process.env))) };
    case 'native':
    case 'native-bundled': {
      const native = (await loadNative()) as NativeModule;
      let threads = opts.threads;
      try {
        threads ??= native.threadsFromEnv(process.env);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const registered = native.registerNativeBackend({ name, threads, gemm: name === 'native-bundled' ? 'bundled' : 'openblas' });
      await setOrThrow(registered.name);
      return { name, tfBackend: registered.name, blas: registered.blas, threads: registered.threads };
    }
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      await setOrThrow('wasm');
      return { name, tfBackend: 'wasm', blas: 'XNNPACK (wasm)', threads: 1 };
    }
    default:
      return useCpuBackend();
  }
}

async function setOrThrow(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new UsageError(`--backend: tfjs could not initialise backend '${tfName}'`);
  await tf.ready();
}
