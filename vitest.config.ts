import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['emulator/**/*.test.ts', 'src/**/*.test.ts', 'test/**/*.test.ts'],
    // Creates the local CA that HTTPS suites trust through NODE_EXTRA_CA_CERTS (read by Node at
    // process start, so it must be set before the test workers are forked).
    globalSetup: ['test/setup/local-ca.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
