import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { ROOMY_RATE_LIMITS } from './test/support/demo.ts';

/** The worker entry in workerd (Miniflare), against an emulator over HTTP or HTTPS. */
const workerd = (protocol: 'http' | 'https') => ({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: './runtimes/cloudflare.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          APPWRITE_ENDPOINT: inject('workerdEmulatorEndpoint'),
          APPWRITE_PROJECT_ID: 'demo',
          APPWRITE_API_KEY: 'demo-api-key',
          OAUTH_PROVIDERS: 'github',
          // The Durable Object store of wrangler.toml stays on; the scenario's budgets never run out.
          ...ROOMY_RATE_LIMITS,
        },
      },
    })),
  ],
  // The same aliases as wrangler.toml: node-appwrite gets the platform's fetch.
  resolve: {
    alias: {
      undici: 'hono-appwrite/workers/undici',
      fs: 'hono-appwrite/workers/empty',
      'json-bigint': 'hono-appwrite/workers/json-bigint',
    },
  },
  test: {
    name: `workerd-${protocol}`,
    include: ['test/workerd/**/*.test.ts'],
    globalSetup: ['test/setup/library-build.ts', 'test/setup/workerd-emulator.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['packages/*/src/**/*.test.ts', 'src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/workerd/**'],
          // Builds the library the app imports (when its sources changed), and creates the local CA
          // that HTTPS suites trust through NODE_EXTRA_CA_CERTS (read by Node at process start, so it
          // must be set before the test workers are forked).
          globalSetup: ['test/setup/library-build.ts', 'test/setup/local-ca.ts', 'test/setup/redis.ts'],
          pool: 'forks',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      workerd('http'),
      workerd('https'),
    ],
  },
});
