import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Bytes of an IDX ubyte file with the given dims and data. */
export function idxBytes(dims: number[], data: Uint8Array, magicType = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = magicType;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, Buffer.from(data)]);
}

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'curtain-data-'));
}

/** Writes the four MNIST-style files (gzipped) with n train and m test images of size s. */
export function writeMnistDir(dir: string, n = 6, m = 3, size = 28): void {
  const write = (name: string, dims: number[], count: number) => {
    const levels = dims.length === 1 ? 10 : 256; // labels are classes 0-9
    const data = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i * 7 + count) % levels);
    writeFileSync(path.join(dir, `${name}.gz`), gzipSync(idxBytes(dims, data)));
  };
  write('train-images-idx3-ubyte', [n, size, size], n);
  write('train-labels-idx1-ubyte', [n], n);
  write('t10k-images-idx3-ubyte', [m, size, size], m);
  write('t10k-labels-idx1-ubyte', [m], m);
}
