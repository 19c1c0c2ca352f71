// Shared kernel plumbing: a native override gets the stock cpu kernel as fallback.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend.ts';

export interface NativeKernelArgs {
  /** Kernel inputs by name (optional ones, such as a fused bias, may be absent). */
  inputs: Record<string, TensorInfo>;
  attrs: NamedAttrMap;
  backend: NativeBackend;
}

/** Returns the native result, or undefined to defer to the cpu kernel. */
export type NativeImpl = (args: NativeKernelArgs) => TensorInfo | TensorInfo[] | undefined;

export type Override = { kernelName: string; impl: NativeImpl };

export function withFallback(impl: NativeImpl, fallback: KernelFunc | undefined, name: string): KernelFunc {
  return (args) => {
    const out = impl(args as unknown as NativeKernelArgs);
    if (out !== undefined) return out;
    if (!fallback) throw new Error(`native backend: no fallback kernel for ${name}`);
    return fallback(args);
  };
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
