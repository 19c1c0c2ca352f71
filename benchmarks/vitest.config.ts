import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/benchmarks',
    include: ['test/**/*.test.ts'],
    // suites train and sample tiny models (and may start the PyTorch peer)
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
