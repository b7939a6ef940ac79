import { defineConfig } from 'vitest/config';

/**
 * Tests of the engine alone (rules, scoring, plans, pages, validation): no store, server, browser or child
 * process. They need no PostgreSQL server and no template store, so the run's global setup is not theirs.
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
    // Each worker runs its files in one process with the modules loaded once, instead of a process and a fresh
    // module graph per file: that loading cost about a second and a half a file on two cores (99 s of a 525 s run;
    // 27 s of 466 s so). Every file closes what it opens and sets no global state it does not restore, so files
    // do not see each other; a file that must start clean can say so with `isolate: true` in a project of its own.
    isolate: false,
    // Opening an embedded PostgreSQL takes seconds on a loaded machine: timeouts catch hangs, not slowness.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // The engine's rules keep their tests beside them (src/engine/rules/<rule>.test.ts).
      { extends: true, test: { name: 'engine', include: ENGINE_ONLY } },
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
