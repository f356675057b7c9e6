import { defineConfig } from 'tsdown';

// `npm run build`: the Node server as one file for `npm run start:prod`. Dependencies stay imports,
// so it runs from `npm ci --omit=dev`; the emulator (a devDependency) is never part of it.
export default defineConfig({
  entry: { server: 'runtimes/node.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: ['dist/server.mjs'],
  outDir: 'dist',
});
