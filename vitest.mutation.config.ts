import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import workspace from './vitest.config.ts';

/**
 * The suites that exercise the modules in stryker.config.mjs's `mutate` list. Adding a module there
 * means adding the tests that should kill its mutants here.
 */
const LIBRARY = 'packages/hono-appwrite/src';
// The app's suites (test/worker) import the built package, so only the library's own unit suites
// see a mutant.
const SUITES = {
  [`${LIBRARY}/errors.ts`]: [`${LIBRARY}/errors.test.ts`],
  [`${LIBRARY}/error-handler.ts`]: [`${LIBRARY}/error-handler.test.ts`],
  [`${LIBRARY}/settings.ts`]: [`${LIBRARY}/settings.test.ts`],
  [`${LIBRARY}/rate-limit.ts`]: [`${LIBRARY}/rate-limit.test.ts`],
  [`${LIBRARY}/redirects.ts`]: [`${LIBRARY}/redirects.test.ts`],
  [`${LIBRARY}/session-cookie.ts`]: [`${LIBRARY}/session-cookie.test.ts`],
  [`${LIBRARY}/middleware/origin-check.ts`]: [`${LIBRARY}/middleware/origin-check.test.ts`],
  [`${LIBRARY}/middleware/appwrite-auth.ts`]: [`${LIBRARY}/middleware/appwrite-auth.test.ts`],
  [`${LIBRARY}/appwrite/identity.ts`]: [`${LIBRARY}/appwrite/identity.test.ts`],
  [`${LIBRARY}/appwrite/jwt-cache.ts`]: [`${LIBRARY}/appwrite/jwt-cache.test.ts`],
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
