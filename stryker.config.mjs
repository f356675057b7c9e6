// @ts-check
// Mutation testing (`npm run mutation`, see docs/mutation-testing.md): StrykerJS changes the modules
// below one small edit at a time and checks that some test fails. Narrow a run with
// `npm run mutation -- --mutate packages/hono-appwrite/src/errors.ts`.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'packages/hono-appwrite/src/redirects.ts',
    'packages/hono-appwrite/src/session-cookie.ts',
    'packages/hono-appwrite/src/middleware/origin-check.ts',
    'packages/hono-appwrite/src/middleware/appwrite-auth.ts',
    'packages/hono-appwrite/src/rate-limit.ts',
    'packages/hono-appwrite/src/appwrite/identity.ts',
    'packages/hono-appwrite/src/appwrite/jwt-cache.ts',
    'packages/hono-appwrite/src/errors.ts',
    'packages/hono-appwrite/src/error-handler.ts',
    'packages/hono-appwrite/src/settings.ts',
  ],
  testRunner: 'vitest',
  vitest: {
    // Only the `node` project, narrowed to the suites of the modules above (a module added to
    // `mutate` needs its tests listed there too).
    configFile: 'vitest.mutation.config.ts',
    // Forks, as the node project: the local CA reaches the test processes through
    // NODE_EXTRA_CA_CERTS, which Node reads only at process start.
    pool: 'forks',
  },
  // Each mutant runs only the tests that executed its code in the first, unmutated run.
  coverageAnalysis: 'perTest',
  // A mutant whose tests overrun their unmutated time by this much counts as a timeout, which Stryker
  // counts as detected. Generous, so that a busy machine does not pass slow runs off as kills.
  timeoutMS: 20_000,
  // One Stryker worker per core; each runs its tests in one fork.
  concurrency: 2,
  // No type checker: vitest strips types without checking them, so a mutant that breaks a type
  // still runs, and no `@ts-nocheck` has to be added to the sandbox's files.
  checkers: [],
  disableTypeChecks: false,
  // No checker runs, so Stryker needs no tsconfig: a name that points at no file skips its step of
  // rewriting `extends` and `references` in the sandbox.
  tsconfigFile: 'tsconfig.none.json',
  ignorePatterns: [
    '/bench/results',
    '/docs',
    '/.wrangler',
    '/dist',
    '/packages/*/dist',
    '/coverage',
    '/test-output',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // `--incremental` reuses the results of mutants whose code and tests did not change since.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
