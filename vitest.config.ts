import { defineConfig } from 'vitest/config';

/**
 * Tests of the engine alone (rules, scoring, plans, pages, validation): no store, server, browser or child
 * process, nothing left behind. They share their worker's process and modules instead of each file starting
 * its own (about a second and a half of loading per file on two cores). Every other file, and any new one,
 * runs isolated.
 */
const ENGINE_ONLY = [
  'src/**/*.test.ts',
  'test/scoring-*.test.ts',
  ...[
    'batch',
    'calendar-money',
    'covering',
    'dataset-validation',
    'definition-locales',
    'docs',
    'eras-timeline',
    'forecast-timeline',
    'overview',
    'plan',
    'plan-people',
    'problem-locales',
    'program-definition',
    'rules',
  ].map((name) => `test/${name}.test.ts`),
];

export default defineConfig({
  test: {
    // Two cores on the CI machine: more workers only thrash.
    maxWorkers: 2,
    // Opening an embedded PostgreSQL takes seconds on a loaded machine: timeouts catch hangs, not slowness.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // The engine's rules keep their tests beside them (src/engine/rules/<rule>.test.ts).
      { extends: true, test: { name: 'engine', include: ENGINE_ONLY, isolate: false } },
      {
        extends: true,
        test: {
          name: 'service',
          include: ['test/**/*.test.ts'],
          exclude: ENGINE_ONLY,
          // The PostgreSQL server of the store's tests (named, local, or embedded for the run) and the empty
          // embedded store new ones are copied from (test/support/global-setup.ts): once, for this project only.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
