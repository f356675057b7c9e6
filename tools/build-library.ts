// Builds packages/hono-appwrite when its sources are newer than its build (a fresh clone, or an edit
// since the last build). The app imports the library as its users do: from the built package.
// `--force` always builds (`npm run build:lib`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIBRARY = fileURLToPath(new URL('../packages/hono-appwrite/', import.meta.url));

const newestMtime = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }, 0);

/** True when `dist/` is missing or older than `src/`, `package.json` or the build config. */
export const libraryIsStale = (): boolean => {
  const built = join(LIBRARY, 'dist', 'index.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(join(LIBRARY, 'src')),
    statSync(join(LIBRARY, 'package.json')).mtimeMs,
    statSync(join(LIBRARY, 'tsdown.config.ts')).mtimeMs,
  );
  return statSync(built).mtimeMs < sources;
};

/** Runs the library's build (tsdown). */
export const buildLibrary = (): void => {
  execFileSync(join(LIBRARY, '..', '..', 'node_modules', '.bin', 'tsdown'), ['--log-level', 'warn'], {
    cwd: LIBRARY,
    stdio: 'inherit',
  });
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--force') || libraryIsStale()) buildLibrary();
}
