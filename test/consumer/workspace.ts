// What both consumer suites share: packing a workspace package as npm would publish it, the
// versions installed at the repository's root, and the runtimes a stranger runs the result on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSystemNode, runOrThrow } from './processes.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'node_modules', '.bin');
export const PINNED_NODE = join(BIN, 'node');

/** The version of `name` installed at the repository's root, so the consumer gets the same. */
export const rootVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

/** The environment without the variables npm sets for the running script (nested npm reads its own). */
export const npmEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && key !== 'INIT_CWD'),
  );

/**
 * Packs `packages/<name>` into `destination` and returns the tarball's path. `npm pack` runs the
 * package's prepack (a clean tsdown build); run in the workspace it would empty that `dist/` while
 * other suites import it, so it runs in a copy of the sources beside the repository's tsconfig base
 * and node_modules.
 */
export const packWorkspacePackage = async (name: string, destination: string): Promise<string> => {
  const pkg = join(ROOT, 'packages', name);
  const source = join(destination, `source-${name}`);
  const copy = join(source, 'packages', name);
  await cp(pkg, copy, {
    recursive: true,
    filter: (path) => !['dist', 'node_modules'].includes(basename(path)),
  });
  await cp(join(ROOT, 'tsconfig.base.json'), join(source, 'tsconfig.base.json'));
  await symlink(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  await runOrThrow('npm', ['pack', '--pack-destination', destination], {
    cwd: copy,
    env: npmEnv(),
    timeoutMs: 120_000,
  });
  const { version } = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { version: string };
  return join(destination, `${name}-${version}.tgz`);
};

/** A stranger's empty project with a workspace package installed from its tarball. */
export interface ConsumerProject {
  /** The temporary folder holding everything below; remove it when done. */
  temp: string;
  /** The project: its package.json and node_modules. */
  project: string;
  /** A stranger's home: runtimes keep their caches there, away from this machine's. */
  home: string;
}

/**
 * Packs `packages/<name>` and installs the tarball into an empty ESM project, together with
 * `dependencies` at the versions installed at the repository's root.
 */
export const createConsumerProject = async (
  name: string,
  dependencies: readonly string[],
): Promise<ConsumerProject> => {
  const temp = await mkdtemp(join(tmpdir(), `${name}-consumer-`));
  const project = join(temp, 'project');
  const home = join(temp, 'home');
  await Promise.all([mkdir(project), mkdir(home)]);
  const tarball = await packWorkspacePackage(name, temp);
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await runOrThrow(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--save-exact',
      tarball,
      ...dependencies.map((dependency) => `${dependency}@${rootVersion(dependency)}`),
    ],
    { cwd: project, env: npmEnv(), timeoutMs: 180_000 },
  );
  return { temp, project, home };
};

/** A runtime a consumer's program runs on; `skip` says why it cannot run on this machine. */
export interface Runtime {
  name: string;
  command: string;
  args: string[];
  skip?: string;
}

const versionOf = (node: string): string => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const systemNode = findSystemNode();
const systemNodeVersion = systemNode ? versionOf(systemNode) : undefined;
export const pinnedNodeVersion = versionOf(PINNED_NODE);

/**
 * The machine's Node 20, the pinned Node 24, Bun and Deno, each running `script` with `args`. Deno
 * gets only the `denoAllow` permissions, and resolves bare specifiers from the project's
 * package.json and node_modules by itself.
 */
export const runtimesFor = (
  script: string,
  { args = [], denoAllow = ['net', 'env'] }: { args?: string[]; denoAllow?: string[] } = {},
): Runtime[] => [
  systemNode && systemNodeVersion?.startsWith('v20.')
    ? {
        name: `Node 20 (the system node, ${systemNodeVersion})`,
        command: systemNode,
        args: [script, ...args],
      }
    : {
        name: 'Node 20',
        command: 'node',
        args: [script, ...args],
        skip: `skipped: ${systemNode ? `the system node at ${systemNode} is ${systemNodeVersion}` : 'no node on the system PATH'}, not Node 20`,
      },
  { name: `Node 24 (the pinned node, ${pinnedNodeVersion})`, command: PINNED_NODE, args: [script, ...args] },
  { name: 'Bun', command: join(BIN, 'bun'), args: [script, ...args] },
  {
    name: 'Deno',
    command: join(BIN, 'deno'),
    args: ['run', ...denoAllow.map((permission) => `--allow-${permission}`), script, ...args],
  },
];
