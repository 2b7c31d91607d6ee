import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fast unit tests first, slow integration/e2e last.
    sequence: { shuffle: false },
  },
});
