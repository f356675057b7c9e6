// Production on Node as the deploy docs describe it: `npm run build`, then a copy of what a server
// gets (package files, the lockfile, the builds) installed with `npm ci --omit=dev`, and
// `node dist/server.mjs` (what `npm run start:prod` runs) on the machine's Node, not the pinned one.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findSystemNode } from '../consumer/processes.ts';
import { ROOMY_RATE_LIMITS } from '../support/demo.ts';
import { defineScenario, type Target } from '../support/scenario.ts';
import { type SpawnedServer, startProcess } from '../support/servers.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

/** The machine's own Node, as a server would run it (not the pinned one in node_modules/.bin). */
const systemNode = (): string => {
  const node = findSystemNode();
  if (!node) throw new Error('no node on PATH outside node_modules');
  return node;
};

describe('npm run build, npm ci --omit=dev, then start:prod', { timeout: 120_000 }, () => {
  let app: string;
  let emulator: AppwriteEmulator;
  let server: SpawnedServer;

  beforeAll(async () => {
    // The app's half of `npm run build`: the library's build is fresh (the test setup made it), and
    // rebuilding it here would empty its dist/ under suites running in parallel.
    await run(
      join(ROOT, 'node_modules/.bin/tsdown'),
      ['--config', 'tsdown.config.ts', '--log-level', 'warn'],
      {
        cwd: ROOT,
      },
    );
    app = await mkdtemp(join(tmpdir(), 'hono-appwrite-prod-'));
    for (const file of ['package.json', 'package-lock.json', 'dist/server.mjs']) {
      await cp(join(ROOT, file), join(app, file));
    }
    for (const workspace of ['hono-appwrite', 'appwrite-emulator']) {
      await mkdir(join(app, 'packages', workspace), { recursive: true });
      await cp(
        join(ROOT, 'packages', workspace, 'package.json'),
        join(app, 'packages', workspace, 'package.json'),
      );
    }
    await cp(join(ROOT, 'packages/hono-appwrite/dist'), join(app, 'packages/hono-appwrite/dist'), {
      recursive: true,
    });
    // Install scripts are those of the pinned dev runtimes (node, bun, deno): none runs in production.
    await run(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      {
        cwd: app,
      },
    );
    emulator = await startAppwriteEmulator({ https: { ca: inject('testCa') } });
    server = await startProcess({
      command: systemNode(),
      args: ['--max-old-space-size=256', join(app, 'dist/server.mjs')],
      env: {
        APPWRITE_ENDPOINT: emulator.endpoint,
        APPWRITE_PROJECT_ID: 'demo',
        APPWRITE_API_KEY: 'demo-api-key',
        OAUTH_PROVIDERS: 'github',
        ...ROOMY_RATE_LIMITS,
      },
    });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await emulator?.stop();
    if (app) await rm(app, { recursive: true, force: true });
  });

  it('installs no development dependency', () => {
    for (const dev of ['tsx', 'vitest', 'typescript', 'wrangler', 'tsdown']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
  });

  it('runs on the machine Node, without a TypeScript loader', () => {
    const version = execFileSync(systemNode(), ['--version'], { encoding: 'utf8' }).trim();
    expect(Number(version.slice(1).split('.')[0])).toBeGreaterThanOrEqual(20);
    expect(server.output()).toContain('listening on http://127.0.0.1:');
  });

  const target = (): Target => ({
    base: server.base,
    endpoint: emulator.endpoint,
    request: (path, init) => fetch(`${server.base}${path}`, { redirect: 'manual', ...init }),
  });
  defineScenario(target);

  it('never starts the emulator: without configuration it exits 1 naming the missing keys', async () => {
    const failure = await run(systemNode(), [join(app, 'dist/server.mjs')], {
      env: { PATH: process.env.PATH ?? '' },
    }).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr?.trim()).toBe(
      'Invalid configuration: APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID, APPWRITE_API_KEY missing or malformed. See docs/configuration.md.',
    );
  });

  it('exits 1 with the key, never its value, when a setting is malformed', async () => {
    const failure = await run(systemNode(), [join(app, 'dist/server.mjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        APPWRITE_ENDPOINT: 'http://appwrite.example.com/v1',
        APPWRITE_PROJECT_ID: 'demo',
        APPWRITE_API_KEY: 'secret-key-value',
      },
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('APPWRITE_ENDPOINT');
    expect(failure?.stderr).not.toContain('secret-key-value');
    expect(failure?.stderr).not.toContain('appwrite.example.com');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});
