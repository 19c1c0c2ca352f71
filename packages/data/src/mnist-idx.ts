import { existsSync } from 'node:fs';
import { UsageError } from '@curtain/core';
import { assertDirectory, findIdx, readIdxImageSet } from './idx.ts';
import type { Dataset } from './image-set.ts';

/** Where Debian's dataset-fashion-mnist package installs the IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** MNIST or Fashion-MNIST from the four standard IDX files in `dir`. */
export function loadIdxDataset(name: 'mnist' | 'fashion-mnist', dir: string, flag = '--data-dir'): Dataset {
  assertDirectory(dir, flag);
  const train = readIdxImageSet(findIdx(dir, 'train-images-idx3-ubyte'), findIdx(dir, 'train-labels-idx1-ubyte'));
  const heldOut = readIdxImageSet(findIdx(dir, 't10k-images-idx3-ubyte'), findIdx(dir, 't10k-labels-idx1-ubyte'));
  return { name, source: dir, train, heldOut };
}

/** The directory to read `name` from: the flag, else the environment, else a known install location. */
export function resolveDataDir(name: 'mnist' | 'fashion-mnist', dataDir: string | undefined, env = process.env): string {
  if (dataDir) return dataDir;
  if (env.CURTAIN_DATA_DIR) return env.CURTAIN_DATA_DIR;
  if (name === 'fashion-mnist' && existsSync(DEBIAN_FASHION_MNIST_DIR)) return DEBIAN_FASHION_MNIST_DIR;
  const hint =
    name === 'fashion-mnist'
      ? `install Debian's dataset-fashion-mnist (files land in ${DEBIAN_FASHION_MNIST_DIR}) or pass --data-dir`
      : 'pass --data-dir DIR (or set CURTAIN_DATA_DIR) pointing at the four MNIST IDX files';
  throw new UsageError(`dataset ${name}: no data directory; ${hint}`);
}
