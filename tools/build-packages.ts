// Builds the workspace packages (packages/hono-appwrite, packages/appwrite-emulator) whose sources
// are newer than their build (a fresh clone, or an edit since the last build). The app imports
// them as their users do: from the built packages. `--force` builds both (`npm run build:lib`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = fileURLToPath(new URL('../packages/', import.meta.url));
const TSDOWN = join(PACKAGES, '..', 'node_modules', '.bin', 'tsdown');

/** A workspace package built with tsdown into `dist/`. */
export type WorkspacePackage = 'hono-appwrite' | 'appwrite-emulator';

const newestMtime = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }, 0);

/** True when the package's `dist/` is missing or older than `src/`, `package.json` or the build config. */
export const isStale = (name: WorkspacePackage): boolean => {
  const root = join(PACKAGES, name);
  const built = join(root, 'dist', 'index.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'package.json')).mtimeMs,
    statSync(join(root, 'tsdown.config.ts')).mtimeMs,
  );
  return statSync(built).mtimeMs < sources;
};

/** Runs the package's build (tsdown). */
export const build = (name: WorkspacePackage): void => {
  execFileSync(TSDOWN, ['--log-level', 'warn'], { cwd: join(PACKAGES, name), stdio: 'inherit' });
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  for (const name of ['hono-appwrite', 'appwrite-emulator'] as const) {
    if (force || isStale(name)) build(name);
  }
}
