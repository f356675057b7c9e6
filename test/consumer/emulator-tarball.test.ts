// The emulator's contract with a stranger: its packed tarball, installed into an empty project
// with only node-appwrite beside it, serves Appwrite from the CLI and from the programmatic API on
// Node 20, Node 24, Bun and Deno, and its declarations pass the consumer's strict tsc.
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/servers.ts';
import { API_MJS, API_TS } from './emulator-fixtures.ts';
import { tsconfigFor } from './fixtures.ts';
import { type CommandResult, run, startServer, stopAll, systemPath } from './processes.ts';
import { createConsumerProject, PINNED_NODE, runtimesFor } from './workspace.ts';

/** Deno's permissions for the emulator: it listens, reads its environment and seed, writes a CA file. */
const DENO_ALLOW = ['net', 'env', 'read', 'write', 'sys'];

/** The README's fenced code block whose first line is `firstLine`. */
const codeBlock = (readme: string, firstLine: string): string => {
  const block = [...readme.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)]
    .map((match) => match[1] ?? '')
    .find((code) => code.startsWith(`${firstLine}\n`));
  if (!block) throw new Error(`the README has no code block starting with ${firstLine}`);
  return block;
};

let temp = '';
let project = '';
let home = '';

beforeAll(async () => {
  ({ temp, project, home } = await createConsumerProject('appwrite-emulator', [
    'node-appwrite',
    'typescript',
    '@types/node',
    'vitest',
  ]));
  // The README's examples, as the installed package ships them.
  const readme = await readFile(join(project, 'node_modules', 'appwrite-emulator', 'README.md'), 'utf8');
  await Promise.all([
    writeFile(join(project, 'appwrite.test.ts'), codeBlock(readme, '// appwrite.test.ts')),
    writeFile(join(project, 'appwrite.test.mjs'), codeBlock(readme, '// appwrite.test.mjs')),
    writeFile(join(project, 'api.mjs'), API_MJS),
    writeFile(join(project, 'api.ts'), API_TS),
    writeFile(join(project, 'tsconfig.api.json'), tsconfigFor('api.ts')),
  ]);
}, 240_000);

afterAll(async () => {
  await stopAll();
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('the packed tarball in a fresh project', () => {
  it('installs appwrite-emulator unpacked, with its runtime dependencies, and links its bin', async () => {
    const installed = join(project, 'node_modules');
    expect((await lstat(join(installed, 'appwrite-emulator'))).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(
      await readFile(join(installed, 'appwrite-emulator', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) {
      await expect(lstat(join(installed, name, 'package.json')), name).resolves.toBeTruthy();
    }
    expect((await lstat(join(installed, '.bin', 'appwrite-emulator'))).isSymbolicLink()).toBe(true);
  });
});

const env = () => ({ PATH: systemPath(), HOME: home, NO_COLOR: '1' });

for (const runtime of runtimesFor('api.mjs', { denoAllow: DENO_ALLOW })) {
  describe.skipIf(runtime.skip !== undefined)(
    `startAppwriteEmulator on ${runtime.name}${runtime.skip ? ` — ${runtime.skip}` : ''}`,
    () => {
      it('serves the SDK, expires a JWT when the clock moves, resets to the seed and stops', async () => {
        const result = await run(runtime.command, runtime.args, {
          cwd: project,
          env: env(),
          timeoutMs: 60_000,
        });
        expect(result.code, result.output).toBe(0);
        const line = result.output.trim().split('\n').at(-1) ?? '';
        expect(JSON.parse(line)).toEqual({
          email: 'consumer@example.com',
          jwtUser: 'consumer',
          expired: 'user_jwt_invalid',
          afterReset: 'user_not_found',
          seedUsers: 3,
          id: 20,
          stoppedUrl: 'refused',
        });
      }, 90_000);
    },
  );
}

for (const runtime of runtimesFor('node_modules/appwrite-emulator/dist/cli.js', { denoAllow: DENO_ALLOW })) {
  describe.skipIf(runtime.skip !== undefined)(
    `the appwrite-emulator CLI on ${runtime.name}${runtime.skip ? ` — ${runtime.skip}` : ''}`,
    () => {
      it('serves the demo seed on the given port: Appwrite 1.9.6, and user-a signs in', async () => {
        const port = await freePort();
        const server = await startServer(runtime.command, [...runtime.args, '--port', String(port)], {
          cwd: project,
          env: env(),
          port,
        });
        try {
          expect(server.base).toBe(`http://127.0.0.1:${port}`);
          const version = await fetch(`${server.base}/v1/health/version`);
          expect(await version.json()).toEqual({ version: '1.9.6' });
          const session = await fetch(`${server.base}/v1/account/sessions/email`, {
            method: 'POST',
            headers: { 'X-Appwrite-Project': 'demo', 'Content-Type': 'application/json' },
            body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
          });
          expect(session.status, server.output()).toBe(201);
          expect(server.output()).toContain(`endpoint:   http://127.0.0.1:${port}/v1`);
        } finally {
          await server.stop();
        }
      }, 60_000);
    },
  );
}

describe('the `.bin` link as npx runs it (system PATH, shebang)', () => {
  it('prints its usage for --help and exits 0', async () => {
    const result = await run(join(project, 'node_modules', '.bin', 'appwrite-emulator'), ['--help'], {
      cwd: project,
      env: env(),
      timeoutMs: 30_000,
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Usage: appwrite-emulator [--port 8788]');
  });
});

describe("the README's test examples, unchanged", () => {
  it('the Vitest example passes under the consumer’s vitest', async () => {
    const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await run(PINNED_NODE, [vitest, 'run', 'appwrite.test.ts'], {
      cwd: project,
      env: { ...env(), CI: 'true' },
      timeoutMs: 120_000,
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests\s+1 passed/);
  }, 150_000);

  for (const runtime of runtimesFor('--test', { args: ['--test-reporter=tap'] }).filter((candidate) =>
    candidate.name.startsWith('Node'),
  )) {
    it.skipIf(runtime.skip !== undefined)(
      `the node:test example passes on ${runtime.name}`,
      async () => {
        const result = await run(runtime.command, [...runtime.args, 'appwrite.test.mjs'], {
          cwd: project,
          env: env(),
          timeoutMs: 60_000,
        });
        expect(result.code, result.output).toBe(0);
        expect(result.output).toMatch(/# pass 1\b/);
      },
      90_000,
    );
  }
});

describe("the consumer's tsc (strict, NodeNext, skipLibCheck false)", () => {
  let compiled: CommandResult = { code: null, output: '' };
  beforeAll(async () => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    compiled = await run(PINNED_NODE, [tsc, '-p', 'tsconfig.api.json'], {
      cwd: project,
      env: { PATH: systemPath(), HOME: home },
      timeoutMs: 120_000,
    });
  }, 150_000);

  it("compiles a program using the emulator's types, its declarations and dependencies' included", () => {
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
  });
});
