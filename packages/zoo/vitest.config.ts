import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/zoo',
    include: ['test/**/*.test.ts'],
    // the registry-wide tests train every paradigm for a few steps
    testTimeout: 120_000,
  },
});
