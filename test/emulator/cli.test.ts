import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

/** The repository root, where the CLI's source runs from. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How long one spawned emulator may take to print its banner or to exit. */
const WAIT_MS = 15_000;
const TEST_TIMEOUT = 40_000;

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) of the process. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `node packages/appwrite-emulator/src/cli.ts ...args` (Node strips the TypeScript types itself). */
const startCli = (args: string[]): Cli => {
  const child = spawn(process.execPath, ['packages/appwrite-emulator/src/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EMULATOR_PORT: undefined },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
};

/** Rejects after `ms` so that a hung emulator fails the test instead of blocking it. */
const within = <T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** Waits for the banner's `endpoint:` line and returns the whole banner and the endpoint. */
const waitForEndpoint = async (cli: Cli): Promise<{ banner: string; endpoint: string }> => {
  const found = new Promise<{ banner: string; endpoint: string }>((resolve, reject) => {
    const check = () => {
      const match = /^ {2}endpoint: +(\S+)\n/m.exec(cli.stdout());
      if (match?.[1]) {
        cli.child.stdout?.off('data', check);
        resolve({ banner: cli.stdout(), endpoint: match[1] });
      }
    };
    cli.child.stdout?.on('data', check);
    check();
    cli.exited.then(({ code, signal }) =>
      reject(new Error(`emulator exited (${code ?? signal}) before printing its endpoint:\n${cli.stderr()}`)),
    );
  });
  return within(found, 'the endpoint line');
};

/** Sends SIGTERM and expects a clean exit. */
const stopCli = async (cli: Cli): Promise<void> => {
  cli.child.kill('SIGTERM');
  expect(await within(cli.exited, 'the emulator to exit after SIGTERM')).toEqual({ code: 0, signal: null });
};

/** A GET over HTTPS with an explicit trust store, through `node:https`. */
const httpsGet = (url: string, ca?: string | Buffer): Promise<{ status: number; body: string }> =>
  within(
    new Promise((resolve, reject) => {
      get(url, { ca, agent: false, rejectUnauthorized: true }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      }).on('error', reject);
    }),
    `GET ${url}`,
  );

describe('the appwrite-emulator CLI (src/cli.ts)', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-cli-test-'));
  });

  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'serves the demo project on 127.0.0.1, prints how to connect, and exits on SIGTERM',
    async () => {
      const cli = startCli(['--port', '0']);
      const { banner, endpoint } = await waitForEndpoint(cli);
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(banner).toContain(`listening on ${endpoint.slice(0, -'/v1'.length)}`);
      expect(banner).toMatch(/^ {2}project: +demo$/m);
      expect(banner).toContain('  API key:    demo-api-key\n');
      expect(banner).toContain('  users:      user-a@example.com / password-a (also user-b, user-c)');
      expect(banner).not.toContain('CA cert:');

      const response = await within(fetch(`${endpoint}/health/version`), 'GET /health/version');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ version: '1.9.6' });

      await stopCli(cli);
      expect(cli.stderr()).toBe('');
    },
    TEST_TIMEOUT,
  );

  it(
    'with --https serves TLS for localhost, signed by a CA whose PEM path it prints',
    async () => {
      const cli = startCli(['--port', '0', '--https']);
      const { banner, endpoint } = await waitForEndpoint(cli);
      expect(endpoint).toMatch(/^https:\/\/localhost:\d+\/v1$/);
      const caPath = /^ {2}CA cert: +(\S+)$/m.exec(banner)?.[1] ?? '';
      expect(caPath).not.toBe('');
      expect(existsSync(caPath)).toBe(true);
      expect(banner).toContain(`NODE_EXTRA_CA_CERTS=${caPath}`);

      const trusted = await httpsGet(`${endpoint}/health/version`, readFileSync(caPath));
      expect(trusted).toEqual({ status: 200, body: JSON.stringify({ version: '1.9.6' }) });

      // Another CA (the one this test run's own HTTPS emulators use), and the default trust store
      // (system roots plus NODE_EXTRA_CA_CERTS, which also names that other CA): both reject it.
      // Each CA has a unique subject, so the failure is a missing issuer, not a bad signature.
      for (const ca of [inject('testCa').cert, undefined]) {
        const error: NodeJS.ErrnoException = await httpsGet(`${endpoint}/health/version`, ca).then(
          () => new Error('the request succeeded without trusting the emulator CA'),
          (e: unknown) => e as NodeJS.ErrnoException,
        );
        expect(error.code, error.message).toMatch(
          /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/,
        );
      }

      await stopCli(cli);
      // The generated CA certificate is removed on shutdown.
      expect(existsSync(caPath)).toBe(false);
    },
    TEST_TIMEOUT,
  );

  it(
    'exits 1 naming the file when --seed is not JSON',
    async () => {
      const path = join(dir, 'broken-seed.json');
      await writeFile(path, '{ "projects": [ oops');
      const cli = startCli(['--port', '0', '--seed', path]);
      expect(await within(cli.exited, 'the emulator to exit')).toEqual({ code: 1, signal: null });
      expect(cli.stderr()).toContain(`Seed file ${path} could not be read as JSON`);
      expect(cli.stdout()).not.toContain('endpoint:');
    },
    TEST_TIMEOUT,
  );

  it(
    'exits 1 naming the file and the bad path when --seed does not match the seed format',
    async () => {
      const path = join(dir, 'invalid-seed.json');
      await writeFile(path, JSON.stringify({ projects: [{ id: '_bad id' }] }));
      const cli = startCli(['--port', '0', '--seed', path]);
      expect(await within(cli.exited, 'the emulator to exit')).toEqual({ code: 1, signal: null });
      expect(cli.stderr()).toContain(`Seed file ${path} is invalid`);
      expect(cli.stderr()).toContain('projects.0.id');
    },
    TEST_TIMEOUT,
  );

  it(
    'serves a custom --seed without printing its API key',
    async () => {
      const secret = 'other-project-secret-key';
      const path = join(dir, 'other-seed.json');
      await writeFile(
        path,
        JSON.stringify({
          projects: [
            {
              id: 'other',
              apiKeys: [{ name: 'ci', secret }],
              users: [{ id: 'only-user', email: 'only@example.com', password: 'only-password' }],
            },
          ],
        }),
      );
      const cli = startCli(['--port', '0', '--seed', path]);
      const { banner, endpoint } = await waitForEndpoint(cli);
      expect(banner).toMatch(/^ {2}project: +other$/m);

      const users = await within(
        fetch(`${endpoint}/users`, { headers: { 'X-Appwrite-Project': 'other', 'X-Appwrite-Key': secret } }),
        'GET /users',
      );
      expect(users.status).toBe(200);
      const list = (await users.json()) as { total: number; users: { $id: string }[] };
      expect(list.total).toBe(1);
      expect(list.users.map((user) => user.$id)).toEqual(['only-user']);

      // The demo project is not there.
      const demo = await within(
        fetch(`${endpoint}/users`, {
          headers: { 'X-Appwrite-Project': 'demo', 'X-Appwrite-Key': 'demo-api-key' },
        }),
        'GET /users (demo)',
      );
      expect(demo.status).toBe(404);
      expect(((await demo.json()) as { type: string }).type).toBe('project_not_found');

      await stopCli(cli);
      expect(cli.stdout()).not.toContain(secret);
      expect(cli.stdout()).not.toContain('API key');
      expect(cli.stdout()).not.toContain('users:');
    },
    TEST_TIMEOUT,
  );

  it.each(['abc', '', ' ', '70000', '1e3', '8788.5'])(
    'exits 1 for --port %j',
    async (port) => {
      const cli = startCli(['--port', port]);
      expect(await within(cli.exited, 'the emulator to exit')).toEqual({ code: 1, signal: null });
      expect(cli.stderr()).toContain(`Invalid port: ${port.trim()}`);
      expect(cli.stderr()).toContain('Usage: appwrite-emulator');
      expect(cli.stdout()).toBe('');
    },
    TEST_TIMEOUT,
  );
});
