import { defineConfig } from 'tsdown';

// The programmatic API and the CLI, one ESM file and one .d.ts each; dependencies stay imports.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  dts: true,
  clean: true,
  fixedExtension: false,
  deps: { neverBundle: [/^node:/] },
});
