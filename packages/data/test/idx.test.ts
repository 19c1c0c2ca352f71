import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '@curtain/core';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR, loadDataset, loadIdxDataset, readIdxFile, resolveDataDir } from '../src/index.ts';
import { idxBytes, tempDir, writeMnistDir } from './idx-fixtures.ts';

describe('IDX loading', () => {
  it('reads plain and gzipped IDX files alike', () => {
    const dir = tempDir();
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    writeFileSync(path.join(dir, 'a'), idxBytes([2, 3], data));
    writeFileSync(path.join(dir, 'b.gz'), gzipSync(idxBytes([2, 3], data)));
    for (const file of ['a', 'b.gz']) {
      const parsed = readIdxFile(path.join(dir, file));
      expect(parsed.dims).toEqual([2, 3]);
      expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('loads an MNIST-style directory into train and held-out splits', () => {
    const dir = tempDir();
    writeMnistDir(dir, 6, 3);
    const dataset = loadIdxDataset('mnist', dir);
    expect(dataset.train.count).toBe(6);
    expect(dataset.heldOut.count).toBe(3);
    expect(dataset.train.images.length).toBe(6 * 28 * 28);
  });

  it('names a missing directory', () => {
    expect(() => loadDataset('mnist', { dataDir: '/nonexistent/curtain' })).toThrow(
      /--data-dir \/nonexistent\/curtain: directory not found/,
    );
  });

  it('names the missing file and the names it looked for', () => {
    const dir = tempDir();
    expect(() => loadIdxDataset('mnist', dir)).toThrow(/expected train-images-idx3-ubyte or train-images-idx3-ubyte.gz/);
  });

  it('names a file with the wrong magic', () => {
    const dir = tempDir();
    const file = path.join(dir, 'x');
    writeFileSync(file, Buffer.from('PK\u0003\u0004 not idx'));
    expect(() => readIdxFile(file)).toThrow(new RegExp(`${file}: wrong IDX magic`));
  });

  it('names a truncated gzip', () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.gz');
    const full = gzipSync(idxBytes([100], new Uint8Array(100).fill(3)));
    writeFileSync(file, full.subarray(0, full.length - 12));
    expect(() => readIdxFile(file)).toThrow(UsageError);
    expect(() => readIdxFile(file)).toThrow(/x.gz: corrupt or truncated gzip/);
  });

  it('names a file whose data is shorter than its header promises', () => {
    const dir = tempDir();
    const file = path.join(dir, 'short');
    writeFileSync(file, idxBytes([10, 28, 28], new Uint8Array(100)));
    expect(() => readIdxFile(file)).toThrow(/short: header promises 7840 bytes/);
  });

  it('names an image/label count mismatch', () => {
    const dir = tempDir();
    writeMnistDir(dir, 6, 3);
    writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([5], new Uint8Array(5))));
    expect(() => loadIdxDataset('mnist', dir)).toThrow(/holds 5 labels but .*train-images-idx3-ubyte.gz holds 6 images/);
  });

  it('names images of the wrong dimensions', () => {
    const dir = tempDir();
    writeMnistDir(dir, 6, 3, 32);
    expect(() => loadIdxDataset('mnist', dir)).toThrow(/expected 28x28 images, got 32x32/);
  });

  it('names labels out of range, an empty split and a folder where a file should be', () => {
    const labelled = tempDir();
    writeMnistDir(labelled, 6, 3);
    writeFileSync(path.join(labelled, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([3], Uint8Array.from([1, 12, 3]))));
    expect(() => loadIdxDataset('mnist', labelled)).toThrow(
      /t10k-labels-idx1-ubyte.gz: label 12 at index 1 is out of range; expected 0 to 9/,
    );
    const empty = tempDir();
    writeMnistDir(empty, 6, 0);
    expect(() => loadIdxDataset('mnist', empty)).toThrow(/t10k-images-idx3-ubyte.gz: holds no images; expected a non-empty split/);
    const folder = tempDir();
    writeMnistDir(folder, 6, 3);
    mkdirSync(path.join(folder, 'train-images-idx3-ubyte'));
    expect(() => loadIdxDataset('mnist', folder)).toThrow(/train-images-idx3-ubyte: is a folder or device, expected an IDX file/);
  });

  it('rejects unknown dataset names and explains where mnist comes from', () => {
    expect(() => loadDataset('cifar')).toThrow(/unknown dataset 'cifar'; expected one of digits, mnist, fashion-mnist, synthetic/);
    expect(() => resolveDataDir('mnist', undefined, {})).toThrow(/--data-dir/);
  });

  it.runIf(Boolean(process.env.CI) || existsSync(DEBIAN_FASHION_MNIST_DIR))("finds Debian's Fashion-MNIST without configuration", () => {
    const dataset = loadDataset('fashion-mnist');
    expect(dataset.source).toBe(DEBIAN_FASHION_MNIST_DIR);
    expect(dataset.train.count).toBe(60_000);
    expect(dataset.heldOut.count).toBe(10_000);
    expect(new Set(dataset.train.labels).size).toBe(10);
  });
});
