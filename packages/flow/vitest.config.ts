import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/flow',
    include: ['test/**/*.test.ts'],
    // training tests take tens of seconds on the shared 2-core cpu backend
    testTimeout: 120_000,
  },
});
