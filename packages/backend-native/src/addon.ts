// Loads the compiled N-API addon (build/Release/curtain_native.node).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Functions exported by csrc/addon.cc. All arrays are float32; outputs are preallocated. */
export interface NativeAddon {
  gemm(
    useBlas: boolean,
    threads: number,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aBatchStride: number,
    b: Float32Array,
    bBatchStride: number,
    c: Float32Array,
    batch: number,
  ): void;
  conv2d(
    kind: 0 | 1 | 2,
    useBlas: boolean,
    threads: number,
    shape: number[],
    in0: Float32Array,
    in1: Float32Array,
    out: Float32Array,
  ): void;
  binary(
    op: number,
    a: Float32Array,
    aShape: number[],
    b: Float32Array,
    bShape: number[],
    out: Float32Array,
    outShape: number[],
    threads: number,
  ): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number, threads: number): void;
  biasAct(y: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: number, alpha: number, threads: number): void;
  reduce(op: number, x: Float32Array, outer: number, r: number, inner: number, out: Float32Array, threads: number): void;
  adam(
    variable: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    outVar: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
    threads: number,
    gradScale: number,
  ): void;
  /** The sum of x[i]^2 (accumulated in double). */
  sumSquares(x: Float32Array): number;
  /** Row-wise softmax (logSpace: log-softmax) of x viewed as [rows, k]. */
  softmax(x: Float32Array, rows: number, k: number, logSpace: boolean, out: Float32Array, threads: number): void;
  /** loss[r] = logsumexp(x[r]) - x[r, labels[r]]. */
  softmaxXent(x: Float32Array, labels: Int32Array, rows: number, k: number, loss: Float32Array, threads: number): void;
  /** dx[r] = dy[r] * (softmax(x[r]) - onehot(labels[r])). */
  softmaxXentGrad(x: Float32Array, labels: Int32Array, dy: Float32Array, rows: number, k: number, dx: Float32Array, threads: number): void;
  /** kind 0: out = x * sigmoid(x); kind 1: out = dx from dy. */
  silu(kind: 0 | 1, x: Float32Array, dy: Float32Array | null, out: Float32Array, threads: number): void;
  /** kind 0: out [rows, f] = tanh(a) * sigmoid(b) of x [rows, 2f]; kind 1: out = dx [rows, 2f] from dy [rows, f]. */
  gate(kind: 0 | 1, x: Float32Array, dy: Float32Array | null, rows: number, f: number, out: Float32Array, threads: number): void;
  /** kind 0: out = average pool of x; kind 1: out = dx from dy. geometry: [batch, inH, inW, C, outH, outW, kH, kW, strideH, strideW, padTop, padLeft]. */
  avgPool(kind: 0 | 1, geometry: number[], input: Float32Array, out: Float32Array, threads: number): void;
  /** kind 0: out = nearest-neighbour resize of x; kind 1: out = dx from dy. geometry: [batch, inH, inW, C, outH, outW]. */
  resizeNearest(kind: 0 | 1, geometry: number[], input: Float32Array, out: Float32Array, threads: number): void;
  /** Copies the box `size` at `begin` of src (shape `shape`) into dst (shape `dstShape`) at `dstBegin`. */
  copyBox(
    src: Float32Array,
    shape: number[],
    begin: number[],
    size: number[],
    dst: Float32Array,
    dstShape: number[],
    dstBegin: number[],
  ): void;
  readonly haveOpenblas: boolean;
}

export type AddonLoad = { addon: NativeAddon; reason?: undefined } | { addon?: undefined; reason: string };

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const addonPath = join(packageRoot, 'build', 'Release', 'curtain_native.node');

/** Loads the addon; Node's require cache makes repeated calls cheap. */
export function loadAddon(): AddonLoad {
  if (!existsSync(addonPath)) {
    return {
      reason: `addon not built (${addonPath} missing; run \`pnpm install\` or \`node scripts/build.mjs\` in packages/backend-native with a C++ toolchain)`,
    };
  }
  // OpenMP and OpenBLAS read these once, when the addon's libraries load. Idle
  // threads should sleep rather than spin: the host's cores are shared (tfjs's
  // own thread, other processes), and spinning workers starve them.
  const envDefaults: Record<string, string> = { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_THREAD_TIMEOUT: '4' };
  const added = Object.keys(envDefaults).filter((k) => process.env[k] === undefined);
  for (const k of added) process.env[k] = envDefaults[k];
  try {
    const require = createRequire(import.meta.url);
    return { addon: require(addonPath) as NativeAddon };
  } catch (err) {
    return { reason: `addon failed to load: ${(err as Error).message}` };
  } finally {
    for (const k of added) delete process.env[k];
  }
}
