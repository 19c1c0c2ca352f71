// Finds a WebGPU adapter through Dawn's Node bindings (the registry's `webgpu`
// package: a prebuilt dawn.node, nothing downloaded at install).
//
// A hardware adapter comes from Dawn's default backend (Vulkan on Linux, Metal
// on macOS, D3D12 on Windows). A software adapter (Mesa's llvmpipe through
// Dawn's OpenGL ES backend, in WebGPU compatibility mode) is opened only when
// asked for: it is for tests and CI, not for timing.
import { existsSync, readdirSync } from 'node:fs';

/** Dawn's bindings, loaded on first use: importing this package loads no native code. */
type Dawn = typeof import('webgpu');
let dawn: Promise<Dawn | string> | undefined;
function loadDawn(): Promise<Dawn | string> {
  dawn ??= import('webgpu').catch((error: Error) => `the npm package webgpu (dawn.node) could not be loaded: ${error.message}`);
  return dawn;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The API Dawn drives it through: 'default' (Vulkan/Metal/D3D12) or 'opengles'. */
  api: 'default' | 'opengles';
  /** A CPU rasteriser (llvmpipe, lavapipe, SwiftShader) rather than a GPU. */
  software: boolean;
}

export interface OpenedAdapter {
  gpu: GPU;
  /** Dawn's WebGPU interfaces and constants (GPUBuffer, GPUBufferUsage, ...). */
  globals: object;
  adapter: GPUAdapter;
  description: AdapterDescription;
}

const NO_DEVICE_NODE = 'no GPU device node (/dev/nvidia0, /dev/kfd, /dev/dri/renderD*)';
const SOFTWARE_RENDERERS = /llvmpipe|lavapipe|softpipe|swiftshader/i;

function describe(adapter: GPUAdapter, api: AdapterDescription['api']): AdapterDescription {
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    api,
    software: fallback || SOFTWARE_RENDERERS.test(text),
  };
}

/** One line naming the adapter, for the `blas` host column and logs. */
export function adapterLabel(d: AdapterDescription): string {
  const name = [d.vendor, d.architecture, d.device].filter(Boolean).join(' ') || 'unnamed adapter';
  const extras = [d.description, d.api === 'opengles' ? 'OpenGL ES' : '', d.software ? 'software' : ''].filter(Boolean);
  return `WebGPU ${name}${extras.length ? ` (${extras.join('; ')})` : ''}`;
}

/**
 * On Linux a GPU shows up as a device node; without one Dawn can only find a
 * software adapter, and probing prints Vulkan loader warnings, so it is skipped.
 */
export function gpuDeviceNode(): string | undefined {
  if (process.platform !== 'linux') return 'not linux';
  for (const node of ['/dev/nvidia0', '/dev/kfd', '/dev/dxg']) if (existsSync(node)) return node;
  try {
    const render = readdirSync('/dev/dri').find((entry) => entry.startsWith('renderD'));
    return render ? `/dev/dri/${render}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What tfjs-backend-webgpu reads as globals, as a browser defines them: the
 * WebGPU interfaces and constants (GPUBuffer, GPUBufferUsage, GPUMapMode, ...)
 * and `navigator.gpu` (its backend refuses to construct without one). Only
 * missing names are added.
 */
export function defineWebgpuGlobals(gpu: GPU, globals: object): void {
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const scope = globalThis as { navigator?: { gpu?: GPU } };
  if (!scope.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (scope.navigator && !scope.navigator.gpu) Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
}

const opened = new Map<boolean, Promise<OpenedAdapter | string>>();

/**
 * Opens a GPU adapter, or (with `software`) Mesa's llvmpipe through OpenGL ES,
 * once per process (probing and activation share it). Returns the reason as a
 * string when there is none.
 */
export function openAdapter(opts: { software: boolean }): Promise<OpenedAdapter | string> {
  let result = opened.get(opts.software);
  if (!result) {
    result = findAdapter(opts.software).catch((error: Error) => `Dawn could not open an adapter: ${error.message}`);
    opened.set(opts.software, result);
  }
  return result;
}

async function findAdapter(software: boolean): Promise<OpenedAdapter | string> {
  if (!software && gpuDeviceNode() === undefined) return NO_DEVICE_NODE;
  const loaded = await loadDawn();
  if (typeof loaded === 'string') return loaded;
  const { create, globals } = loaded;
  if (software) {
    // Mesa's EGL needs no display server on the surfaceless platform.
    process.env.EGL_PLATFORM ||= 'surfaceless';
    const gpu = create(['backend=opengles']);
    const adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
    if (!adapter) {
      return 'Dawn found no OpenGL ES adapter (install Mesa: apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)';
    }
    return { gpu, globals, adapter, description: describe(adapter, 'opengles') };
  }
  const node = gpuDeviceNode();
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return `Dawn found no GPU adapter (device ${node}; is the Vulkan loader, libvulkan1, installed?)`;
  const description = describe(adapter, 'default');
  if (description.software) {
    return `the only adapter is a software one (${adapterLabel(description)}); set CURTAIN_WEBGPU_SOFTWARE=1 to use it`;
  }
  return { gpu, globals, adapter, description };
}
