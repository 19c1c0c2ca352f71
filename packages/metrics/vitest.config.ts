import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/metrics',
    include: ['test/**/*.test.ts'],
    // the evaluator runs on the stock cpu backend in tests: seconds per few hundred images
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
