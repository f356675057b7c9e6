import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { ROOMY_RATE_LIMITS } from './test/support/demo.ts';

/**
 * Suites import the emulator from its sources, so that they test what is in the tree without a
 * build; its built package is tested from the packed tarball (test/consumer).
 */
const emulatorFromSource = {
  find: /^appwrite-emulator$/,
  replacement: fileURLToPath(new URL('./packages/appwrite-emulator/src/index.ts', import.meta.url)),
};

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
    alias: [
      { find: 'undici', replacement: 'hono-appwrite/workers/undici' },
      { find: 'fs', replacement: 'hono-appwrite/workers/empty' },
      { find: 'json-bigint', replacement: 'hono-appwrite/workers/json-bigint' },
      emulatorFromSource,
    ],
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
        resolve: { alias: [emulatorFromSource] },
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
