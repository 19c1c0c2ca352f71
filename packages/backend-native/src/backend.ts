// The backend instance: a MathBackendCPU (so every stock cpu kernel runs on it)
// carrying the addon and its GEMM/thread configuration.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.ts';
import type { NativeConfig } from './config.ts';

export class NativeBackend extends MathBackendCPU {
  readonly addon: NativeAddon;
  readonly config: Readonly<NativeConfig>;
  readonly useBlas: boolean;
  readonly threads: number;

  constructor(addon: NativeAddon, config: NativeConfig) {
    super();
    // Silence the one-time "install tfjs-node" hint the cpu backend prints in Node.
    (this as unknown as { firstUse: boolean }).firstUse = false;
    this.addon = addon;
    this.config = Object.freeze({ ...config });
    this.useBlas = config.blas === 'openblas';
    this.threads = config.threads;
  }

  /** The float32 storage behind a tensor, or undefined if it is not plain float32. */
  f32(t: TensorInfo): Float32Array | undefined {
    if (t.dtype !== 'float32') return undefined;
    const v = this.data.get(t.dataId)?.values;
    return v instanceof Float32Array ? v : undefined;
  }

  /**
   * An output buffer of n floats. A plain (zero-filled) Float32Array: measured
   * faster overall than uninitialised native memory (addon.alloc), whose fresh
   * pages fault in and whose release waits for GC finalisers.
   */
  alloc(n: number): Float32Array {
    return new Float32Array(n);
  }

  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }
}
