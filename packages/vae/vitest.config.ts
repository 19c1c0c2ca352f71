import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/vae',
    include: ['test/**/*.test.ts'],
    // the 28x28 FLOP check and the short training run take tens of seconds on the shared 2-core cpu backend
    testTimeout: 120_000,
  },
});
