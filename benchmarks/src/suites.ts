// Registry of benchmark suites run by scripts/bench.mjs (`--suite engine,train,sample`).
// Add a suite by adding an entry here.
import { engineSuite } from './engine.ts';
import type { Suite } from './suite.ts';

export const suites: Record<string, Suite> = {
  engine: engineSuite,
};
