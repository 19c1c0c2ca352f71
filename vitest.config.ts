import { defineConfig } from 'vitest/config';

// One vitest project per workspace package; each package may add its own
// vitest.config.ts (for example a longer timeout for training tests).
export default defineConfig({
  test: {
    projects: ['packages/*', 'benchmarks'],
    // Tests train small models on 2 cores: run files one at a time so they do
    // not fight over the cores and stay deterministic.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
