import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '@curtain/core';
import type { ImageSet } from './image-set.ts';

/**
 * IDX files (the format MNIST and Fashion-MNIST ship in): a 4-byte magic
 * (0, 0, type 0x08 = ubyte, number of dimensions), one big-endian uint32 per
 * dimension, then the bytes. Plain or gzip-compressed.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function readIdxFile(file: string): IdxArray {
  if (!existsSync(file)) throw new UsageError(`${file}: file not found`);
  if (!statSync(file).isFile()) throw new UsageError(`${file}: is a folder or device, expected an IDX file`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new UsageError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new UsageError(`${file}: corrupt or truncated gzip (${(error as Error).message})`);
    }
  }
  return parseIdx(bytes, file);
}

export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new UsageError(`${file}: wrong IDX magic '${magic}'; expected '00 00 08 0N' (unsigned bytes, N dimensions)`);
  }
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new UsageError(`${file}: truncated IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((product, d) => product * d, 1);
  const available = bytes.length - headerBytes;
  if (available !== expected) {
    throw new UsageError(`${file}: header promises ${expected} bytes of data (dims ${dims.join('x')}) but the file holds ${available}`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected) };
}

/** Finds `base` or `base.gz` in `dir`, naming both when neither exists. */
export function findIdx(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(`${dir}: expected ${base} or ${base}.gz in this directory`);
}

/**
 * Reads an images file and a labels file into an ImageSet of 28x28x1 images
 * with labels in [0, classes); an empty split is an error (nothing to train
 * on or to evaluate against).
 */
export function readIdxImageSet(imagesFile: string, labelsFile: string, expectedSize = 28, classes = 10): ImageSet {
  const images = readIdxFile(imagesFile);
  const labels = readIdxFile(labelsFile);
  if (images.dims.length !== 3) {
    throw new UsageError(`${imagesFile}: expected 3 dimensions [count, rows, cols], got ${images.dims.length}`);
  }
  const [count, height, width] = images.dims;
  if (height !== expectedSize || width !== expectedSize) {
    throw new UsageError(`${imagesFile}: expected ${expectedSize}x${expectedSize} images, got ${height}x${width}`);
  }
  if (labels.dims.length !== 1) {
    throw new UsageError(`${labelsFile}: expected 1 dimension [count], got ${labels.dims.length}`);
  }
  if (labels.dims[0] !== count) {
    throw new UsageError(`${labelsFile}: holds ${labels.dims[0]} labels but ${imagesFile} holds ${count} images`);
  }
  if (count === 0) throw new UsageError(`${imagesFile}: holds no images; expected a non-empty split`);
  const bad = labels.data.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new UsageError(`${labelsFile}: label ${labels.data[bad]} at index ${bad} is out of range; expected 0 to ${classes - 1}`);
  }
  return { images: images.data, labels: labels.data, count, height, width, channels: 1 };
}

export function assertDirectory(dir: string, flag: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`${flag} ${dir}: directory not found`);
  }
}
