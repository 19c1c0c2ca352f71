import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/autoregressive',
    include: ['test/**/*.test.ts'],
    // training tests take tens of seconds on the shared 2-core cpu backend, minutes when other jobs load it
    testTimeout: 300_000,
  },
});
