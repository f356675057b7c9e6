import { defineConfig } from 'tsdown';

// One ESM file and one .d.ts per entry of `exports`; dependencies and peers stay imports.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    redis: 'src/redis.ts',
    cloudflare: 'src/cloudflare.ts',
    'workers/undici': 'src/workers/undici.ts',
    'workers/json-bigint': 'src/workers/json-bigint.ts',
    'workers/empty': 'src/workers/empty.ts',
  },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  deps: { neverBundle: [/^node:/, /^cloudflare:/] },
});
