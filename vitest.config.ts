import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores on the CI machine: more workers only thrash.
    maxWorkers: 2,
    // Opening an embedded PostgreSQL takes seconds on a loaded machine: timeouts catch hangs, not slowness.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
