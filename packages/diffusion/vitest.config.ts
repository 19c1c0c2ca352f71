import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@curtain/diffusion',
    include: ['test/**/*.test.ts'],
    // a few training steps on the stock cpu backend, whose Conv2DBackpropFilter is slow
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
