import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The engine's rules keep their tests beside them (src/engine/rules/<rule>.test.ts).
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The PostgreSQL server of the store's tests: named, local, or embedded for the run (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // Two cores on the CI machine: more workers only thrash.
    maxWorkers: 2,
    // Opening an embedded PostgreSQL takes seconds on a loaded machine: timeouts catch hangs, not slowness.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
