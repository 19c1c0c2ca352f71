// Recycles the float32 output buffers of native kernels once their tensor is
// freed. A training step allocates the same shapes every step; without reuse
// each buffer is fresh zero-filled memory, and the resulting external-memory
// pressure makes V8 run a full mark-compact about once per step.
//
// Idle memory is capped; when a release would pass the cap, the buffers of the
// sizes used least recently go first, so the shapes of an evaluation between
// training phases cannot fill the pool and leave the training step's shapes
// to fresh allocations (page faults on every step) from then on.
//
// Only buffers this pool handed out are recycled, and never one that may be
// visible elsewhere: a buffer returned by readSync (dataSync/data/array hand
// out the backing array itself) or bound to a second tensor by a kernel that
// reuses its input's array is marked escaped and left to the GC.

const MIN_POOLED = 1024; // floats; smaller buffers are cheap to allocate
const MAX_POOLED_BYTES = 256 * 2 ** 20; // cap on idle memory held for reuse

export class BufferPool {
  /** Idle buffers by length; the Map's order is recency of use, least recent first. */
  private readonly free = new Map<number, Float32Array[]>();
  private idleBytes = 0;
  private readonly owned = new WeakSet<Float32Array>();
  private readonly bound = new WeakSet<Float32Array>();
  private readonly escaped = new WeakSet<Float32Array>();

  /** A buffer of n floats with arbitrary contents (callers overwrite all of it). */
  take(n: number): Float32Array {
    if (n < MIN_POOLED) return new Float32Array(n);
    const list = this.free.get(n);
    const reused = list?.pop();
    if (list && reused) {
      this.idleBytes -= n * 4;
      this.touch(n, list);
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
    if (bytes > MAX_POOLED_BYTES) return;
    this.evictFor(bytes);
    const list = this.free.get(values.length) ?? [];
    this.touch(values.length, list);
    list.push(values);
    this.idleBytes += bytes;
  }

  /** Idle bytes held for reuse (tests). */
  get idle(): number {
    return this.idleBytes;
  }

  /** Marks length n as the most recently used. */
  private touch(n: number, list: Float32Array[]): void {
    this.free.delete(n);
    this.free.set(n, list);
  }

  /** Drops idle buffers of the least recently used lengths until `bytes` more fit under the cap. */
  private evictFor(bytes: number): void {
    for (const [n, list] of this.free) {
      if (this.idleBytes + bytes <= MAX_POOLED_BYTES) return;
      while (list.length > 0 && this.idleBytes + bytes > MAX_POOLED_BYTES) {
        list.pop();
        this.idleBytes -= n * 4;
      }
      if (list.length === 0) this.free.delete(n);
    }
  }

  clear(): void {
    this.free.clear();
    this.idleBytes = 0;
  }
}
