// Registry of benchmark suites run by scripts/bench.mjs (`--suite engine,train,sample`).
// Add a suite by adding an entry here.
import { engineSuite } from './engine.ts';
import { sampleSuite } from './sample.ts';
import type { Suite } from './suite.ts';
import { trainSuite } from './train.ts';

export const suites: Record<string, Suite> = {
  engine: engineSuite,
  train: (opts) => trainSuite(opts),
  sample: (opts) => sampleSuite(opts),
};
