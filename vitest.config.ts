import { defineConfig } from 'vitest/config';

/** Tests that start several processes (real servers, worker clusters, Chromium): one at a time, after the rest. */
const HEAVY = ['test/**/*.e2e.test.ts', 'test/torture/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { shuffle: false },
    projects: [
      {
        extends: true,
        // expect.poll waits for background work (an execution, a recovery): 1 s (the default) is a flake on a loaded machine.
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: HEAVY, sequence: { groupOrder: 0 }, expect: { poll: { timeout: 10_000 } } },
      },
      {
        // On 2 cores, a browser and a 4-process cluster running side by side starve each other.
        extends: true,
        // expect.poll's default (1 s) is a flake in a browser under load: a sign-in's event stream once took longer.
        test: { name: 'heavy', include: HEAVY, fileParallelism: false, sequence: { groupOrder: 1 }, expect: { poll: { timeout: 10_000 } } },
      },
    ],
  },
});
