import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';
import {
  APP_MJS,
  APP_TS,
  lineOf,
  tsconfigFor,
  WORKER_TS,
  WRANGLER_TOML,
  WRONG_OPTIONS_TS,
} from './fixtures.ts';
import {
  type CommandResult,
  type ConsumerServer,
  run,
  startServer,
  stopAll,
  systemPath,
} from './processes.ts';
import {
  BIN,
  createConsumerProject,
  npmEnv,
  PINNED_NODE,
  type Runtime,
  rootVersion,
  runtimesFor,
} from './workspace.ts';

/** What the README's program imports besides the library, then what its type check needs. */
const RUNTIME_DEPENDENCIES = ['hono', '@hono/node-server', 'node-appwrite'];
const TYPE_CHECK_DEPENDENCIES = ['typescript', '@types/node'];

/** The demo seed's rows readable by user-a, and those readable only by the other users. */
const USER_A_ROWS = ['ac5fc866ad1e'];
const USER_B_ROWS = ['bc7fc866ad1e'];
const OTHER_USERS_ROWS = ['bc7fc866ad1e', 'cc2fc886ad1e'];

const RUNTIMES: Runtime[] = runtimesFor('app.mjs');

let temp = '';
/** The consumer's project: a package.json, its node_modules and the sources of the fixtures. */
let project = '';
/** A stranger's home: runtimes keep their caches there, away from this machine's. */
let home = '';

/** Signs `user-<letter>` in with the REST API (no API key): the session cookie and a JWT minted with it. */
const signIn = async (endpoint: string, letter: string) => {
  const session = await fetch(`${endpoint}/account/sessions/email`, {
    method: 'POST',
    headers: { 'X-Appwrite-Project': PROJECT, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `user-${letter}@example.com`, password: `password-${letter}` }),
  });
  expect(session.status).toBe(201);
  const cookie = session.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`a_session_${PROJECT}=`));
  if (!cookie) throw new Error(`no a_session_${PROJECT} cookie in ${session.headers.getSetCookie()}`);
  const minted = await fetch(`${endpoint}/account/jwts`, {
    method: 'POST',
    headers: { 'X-Appwrite-Project': PROJECT, Cookie: cookie },
  });
  expect(minted.status).toBe(201);
  const { jwt } = (await minted.json()) as { jwt: string };
  return { cookie, jwt };
};

beforeAll(async () => {
  ({ temp, project, home } = await createConsumerProject('hono-appwrite', [
    ...RUNTIME_DEPENDENCIES,
    ...TYPE_CHECK_DEPENDENCIES,
  ]));

  await Promise.all([
    writeFile(join(project, 'app.ts'), APP_TS),
    writeFile(join(project, 'app.mjs'), APP_MJS),
    writeFile(join(project, 'wrong-options.ts'), WRONG_OPTIONS_TS),
    writeFile(join(project, 'tsconfig.app.json'), tsconfigFor('app.ts')),
    writeFile(join(project, 'tsconfig.wrong.json'), tsconfigFor('wrong-options.ts')),
    writeFile(join(project, 'worker.ts'), WORKER_TS),
    writeFile(join(project, 'wrangler.toml'), WRANGLER_TOML),
  ]);
}, 240_000);

afterAll(async () => {
  await stopAll();
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('the packed tarball in a fresh project', () => {
  it("installs the tarball as hono-appwrite next to the dependencies at the repository root's versions", async () => {
    const installed = join(project, 'node_modules');
    // Unpacked from the tarball, not linked to the workspace's package.
    expect((await lstat(join(installed, 'hono-appwrite'))).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(await readFile(join(installed, 'hono-appwrite', 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(manifest.name).toBe('hono-appwrite');
    for (const name of [...RUNTIME_DEPENDENCIES, ...TYPE_CHECK_DEPENDENCIES]) {
      const { version } = JSON.parse(await readFile(join(installed, name, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(version, name).toBe(rootVersion(name));
    }
  });
});

for (const runtime of RUNTIMES) {
  describe.skipIf(runtime.skip !== undefined)(
    `the README program as app.mjs on ${runtime.name}${runtime.skip ? ` — ${runtime.skip}` : ''}`,
    () => {
      let emulator: AppwriteEmulator | undefined;
      let server: ConsumerServer | undefined;
      let userA = { cookie: '', jwt: '' };

      beforeAll(async () => {
        emulator = await startAppwriteEmulator({ port: 0 });
        server = await startServer(runtime.command, runtime.args, {
          cwd: project,
          env: {
            PATH: systemPath(),
            HOME: home,
            NO_COLOR: '1',
            APPWRITE_ENDPOINT: emulator.endpoint,
            APPWRITE_PROJECT_ID: PROJECT,
          },
        });
        userA = await signIn(emulator.endpoint, 'a');
      }, 60_000);

      afterAll(async () => {
        await server?.stop();
        await emulator?.stop();
      });

      const listRows = (headers: Record<string, string> = {}) => {
        if (!server) throw new Error('the program did not start');
        return fetch(`${server.base}/api/rows/${DATABASE}/${BIRTHDAYS}`, { headers });
      };
      const output = () => server?.output() ?? '';

      it('answers 401 user_unauthorized as JSON with a Bearer challenge when there is no credential', async () => {
        const response = await listRows();
        expect(response.status, output()).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="appwrite"');
        expect(await response.json()).toEqual({
          message: expect.any(String),
          code: 401,
          type: 'user_unauthorized',
        });
      });

      it('answers 401 user_jwt_invalid with an invalid_token challenge to a malformed Bearer token', async () => {
        const response = await listRows({ Authorization: 'Bearer garbage' });
        expect(response.status, output()).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
        const challenge = response.headers.get('www-authenticate') ?? '';
        expect(challenge).toMatch(/^Bearer realm="appwrite"/);
        expect(challenge).toContain('error="invalid_token"');
        expect(await response.json()).toEqual({
          message: expect.any(String),
          code: 401,
          type: 'user_jwt_invalid',
        });
      });

      it("lists exactly user-a's rows, as kind jwt, for user-a's JWT", async () => {
        const response = await listRows({ Authorization: `Bearer ${userA.jwt}` });
        expect(response.status, output()).toBe(200);
        const body = (await response.json()) as { kind: string; rows: { $id: string }[] };
        expect(body.kind).toBe('jwt');
        const ids = body.rows.map((row) => row.$id);
        expect(ids).toEqual(USER_A_ROWS);
        for (const id of OTHER_USERS_ROWS) expect(ids).not.toContain(id);
      });

      it("lists exactly user-a's rows, as kind session, for user-a's session cookie", async () => {
        const response = await listRows({ Cookie: userA.cookie });
        expect(response.status, output()).toBe(200);
        const body = (await response.json()) as { kind: string; rows: { $id: string }[] };
        expect(body.kind).toBe('session');
        const ids = body.rows.map((row) => row.$id);
        expect(ids).toEqual(USER_A_ROWS);
        for (const id of OTHER_USERS_ROWS) expect(ids).not.toContain(id);
      });

      it("lists user-b's own rows for user-b's JWT: each request acts as its own user", async () => {
        if (!emulator) throw new Error('the emulator did not start');
        const userB = await signIn(emulator.endpoint, 'b');
        const response = await listRows({ Authorization: `Bearer ${userB.jwt}` });
        expect(response.status, output()).toBe(200);
        const body = (await response.json()) as { rows: { $id: string }[] };
        expect(body.rows.map((row) => row.$id)).toEqual(USER_B_ROWS);
      });
    },
  );
}

describe("the consumer's tsc (strict, NodeNext, skipLibCheck false)", () => {
  let program: CommandResult = { code: null, output: '' };
  let wrong: CommandResult = { code: null, output: '' };

  beforeAll(async () => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const options = { cwd: project, env: { PATH: systemPath(), HOME: home }, timeoutMs: 120_000 };
    // Two separate compilations: the wrong file's errors must not hide behind (or in) the program's.
    [program, wrong] = await Promise.all([
      run(PINNED_NODE, [tsc, '-p', 'tsconfig.app.json'], options),
      run(PINNED_NODE, [tsc, '-p', 'tsconfig.wrong.json'], options),
    ]);
  }, 150_000);

  it('compiles the README program, the library and dependency declarations included', () => {
    expect(program.output.trim()).toBe('');
    expect(program.code).toBe(0);
  });

  it('rejects a number endpoint and a string optional, naming the file and their lines', () => {
    expect(wrong.code).not.toBe(0);
    const errors = [...wrong.output.matchAll(/^(\S+)\((\d+),\d+\): error (TS\d+)/gm)].map(
      ([, file, line, code]) => `${file}:${line} ${code}`,
    );
    expect(errors, wrong.output).toEqual([
      `wrong-options.ts:${lineOf(WRONG_OPTIONS_TS, 'endpoint: 42')} TS2322`,
      `wrong-options.ts:${lineOf(WRONG_OPTIONS_TS, "optional: 'yes'")} TS2322`,
    ]);
  });
});

describe('a Workers consumer built by wrangler with the documented aliases (no nodejs_compat)', () => {
  let build: CommandResult = { code: null, output: '' };
  let bundle = '';

  beforeAll(async () => {
    const outdir = join(temp, 'out');
    const env: NodeJS.ProcessEnv = {
      ...npmEnv(),
      // The root's wrangler runs on the pinned Node, as the npm scripts run it.
      PATH: [BIN, systemPath()].join(delimiter),
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_LOG_PATH: join(temp, 'wrangler-logs'),
      CI: 'true',
      NO_COLOR: '1',
    };
    delete env.CLOUDFLARE_API_TOKEN;
    build = await run(join(BIN, 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
      cwd: project,
      env,
      timeoutMs: 120_000,
    });
    if (build.code === 0) bundle = await readFile(join(outdir, 'worker.js'), 'utf8');
  }, 150_000);

  /** Which of `markers` the bundle contains (a short diff on failure, never the whole bundle). */
  const found = (markers: string[]) =>
    Object.fromEntries(markers.map((marker) => [marker, bundle.includes(marker)]));

  it('writes the bundle with the library in it', () => {
    expect(build.code, build.output).toBe(0);
    expect(found(['node_modules/hono-appwrite/dist/index.js'])).toEqual({
      'node_modules/hono-appwrite/dist/index.js': true,
    });
  });

  it("bundles the library's stand-ins instead of undici's fetch and json-bigint", () => {
    expect(build.code, build.output).toBe(0);
    const standIns = ['dist/workers/undici.js', 'dist/workers/json-bigint.js'].map(
      (file) => `node_modules/hono-appwrite/${file}`,
    );
    expect(found(standIns)).toEqual(Object.fromEntries(standIns.map((marker) => [marker, true])));
    // undici's sources and its error class; json-bigint and the bignumber.js it pulls in.
    const replaced = [
      'node_modules/undici/',
      'UndiciError',
      'node_modules/json-bigint/',
      'node_modules/bignumber.js/',
    ];
    expect(found(replaced)).toEqual(Object.fromEntries(replaced.map((marker) => [marker, false])));
  });
});
