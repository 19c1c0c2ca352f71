// The backend instance: a MathBackendCPU (so every stock cpu kernel runs on it)
// carrying the addon and its GEMM/thread configuration.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendValues, DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.ts';
import { BufferPool } from './buffer-pool.ts';
import type { NativeConfig } from './config.ts';

export class NativeBackend extends MathBackendCPU {
  readonly addon: NativeAddon;
  readonly config: Readonly<NativeConfig>;
  readonly useBlas: boolean;
  readonly threads: number;
  private readonly pool = new BufferPool();

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

  /** An output buffer of n floats with arbitrary contents: native kernels overwrite all of it. */
  alloc(n: number): Float32Array {
    return this.pool.take(n);
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    this.pool.bind(values);
    return super.write(values, shape, dtype);
  }

  override readSync(dataId: DataId): BackendValues {
    this.pool.escape(this.data.get(dataId)?.values);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const done = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) this.pool.release(values);
    return done;
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }

  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }
}
