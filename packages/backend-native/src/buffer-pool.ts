// Recycles the float32 output buffers of native kernels once their tensor is
// freed. A training step allocates the same shapes every step; without reuse
// each buffer is fresh zero-filled memory, and the resulting external-memory
// pressure makes V8 run a full mark-compact about once per step.
//
// Only buffers this pool handed out are recycled, and never one that may be
// visible elsewhere: a buffer returned by readSync (dataSync/data/array hand
// out the backing array itself) or bound to a second tensor by a kernel that
// reuses its input's array is marked escaped and left to the GC.

const MIN_POOLED = 1024; // floats; smaller buffers are cheap to allocate
const MAX_POOLED_BYTES = 256 * 2 ** 20; // cap on idle memory held for reuse

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private idleBytes = 0;
  private readonly owned = new WeakSet<Float32Array>();
  private readonly bound = new WeakSet<Float32Array>();
  private readonly escaped = new WeakSet<Float32Array>();

  /** A buffer of n floats with arbitrary contents (callers overwrite all of it). */
  take(n: number): Float32Array {
    if (n < MIN_POOLED) return new Float32Array(n);
    const reused = this.free.get(n)?.pop();
    if (reused) {
      this.idleBytes -= n * 4;
      return reused;
    }
    // Buffer.allocUnsafe: V8-managed memory without the zero-fill.
    const buf = Buffer.allocUnsafe(n * 4);
    const arr = buf.byteOffset === 0 && buf.buffer.byteLength === n * 4 ? new Float32Array(buf.buffer, 0, n) : new Float32Array(n);
    this.owned.add(arr);
    return arr;
  }

  /** Called when values become a tensor's storage. */
  bind(values: unknown): void {
    if (!(values instanceof Float32Array) || !this.owned.has(values)) return;
    if (this.bound.has(values))
      this.escaped.add(values); // a second tensor shares the array
    else this.bound.add(values);
  }

  /** Called when values are handed out of the backend. */
  escape(values: unknown): void {
    if (values instanceof Float32Array) this.escaped.add(values);
  }

  /** Called when the tensor owning values has been freed. */
  release(values: unknown): void {
    if (!(values instanceof Float32Array) || !this.owned.has(values) || this.escaped.has(values)) return;
    this.bound.delete(values);
    const bytes = values.length * 4;
    if (this.idleBytes + bytes > MAX_POOLED_BYTES) return;
    let list = this.free.get(values.length);
    if (!list) {
      list = [];
      this.free.set(values.length, list);
    }
    list.push(values);
    this.idleBytes += bytes;
  }

  clear(): void {
    this.free.clear();
    this.idleBytes = 0;
  }
}
