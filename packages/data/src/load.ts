import { UsageError } from '@curtain/core';
import { loadDigits } from './digits.ts';
import { DATASET_NAMES, type Dataset, type DatasetName } from './image-set.ts';
import { loadIdxDataset, resolveDataDir } from './mnist-idx.ts';
import { loadSynthetic } from './synthetic.ts';

export interface LoadOptions {
  /** Directory of IDX files (`--data-dir`). */
  dataDir?: string;
}

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/** Loads a dataset by name; unknown names are a UsageError listing the known ones. */
export function loadDataset(name: string, opts: LoadOptions = {}): Dataset {
  if (!isDatasetName(name)) {
    throw new UsageError(`--dataset: unknown dataset '${name}'; expected one of ${DATASET_NAMES.join(', ')}`);
  }
  switch (name) {
    case 'digits':
      return loadDigits();
    case 'synthetic':
      return loadSynthetic();
    default:
      return loadIdxDataset(name, resolveDataDir(name, opts.dataDir));
  }
}
