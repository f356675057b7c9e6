import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import workspace from './vitest.config.ts';

/**
 * The suites that exercise the modules in stryker.config.mjs's `mutate` list. Adding a module there
 * means adding the tests that should kill its mutants here.
 */
const SUITES = {
  'src/errors.ts': ['src/errors.test.ts', 'test/worker/upstream-faults.test.ts'],
  'src/rate-limit.ts': ['src/rate-limit.test.ts', 'test/worker/rate-limit.test.ts'],
  'src/redirects.ts': ['src/redirects.test.ts'],
  'src/session-cookie.ts': ['src/session-cookie.test.ts'],
  'src/middleware/origin-check.ts': ['src/middleware/origin-check.test.ts'],
  'src/middleware/appwrite-auth.ts': ['src/middleware/appwrite-auth.test.ts', 'test/worker/identity.test.ts'],
  'src/appwrite/identity.ts': ['src/appwrite/identity.test.ts', 'test/worker/identity.test.ts'],
  'src/appwrite/jwt-cache.ts': ['src/appwrite/jwt-cache.test.ts'],
};

// The `node` project of vitest.config.ts as it is (global setup of the local CA and Redis, forks,
// timeouts), narrowed to those suites: Stryker runs neither the workerd projects nor unrelated suites.
const node = workspace.test?.projects?.find(
  (project): project is TestProjectInlineConfiguration =>
    typeof project === 'object' && 'test' in project && project.test?.name === 'node',
);
if (!node?.test) throw new Error('vitest.config.ts has no `node` project');

/** Vitest for `npm run mutation` (StrykerJS's vitest runner); not part of `npm test`. */
export default defineConfig({
  test: {
    ...node.test,
    include: [...new Set(Object.values(SUITES).flat())],
    exclude: [],
  },
});
