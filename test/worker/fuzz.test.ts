// Issue 6 §3: the worker under generated requests. fast-check sends well over 10,000 requests across
// every route (odd methods, paths, headers, cookies, credentials and bodies) to apps built against an
// in-process emulator, and checks every answer, every request sent upstream and every log line.

import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import fc from 'fast-check';
import type { Transport } from 'hono-appwrite';
import { nodeCrypto, poolTransport } from 'hono-appwrite/node';
import { Account, Client, Users } from 'node-appwrite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';
import {
  type Answer,
  BASE,
  COOKIE,
  type CredentialPool,
  checkAnswer,
  checkUpstreamCall,
  FRONT,
  LOG_BREAKS,
  type RequestSpec,
  readAnswer,
  recording,
  requestArbitrary,
  resolve,
  toRequest,
  type UpstreamCall,
} from '../support/fuzz-requests.ts';

/** Override with FUZZ_SEED to explore further; a failure prints the seed and path to replay it. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x6_0003);
const MIN_REQUESTS = 10_000;
// The emulator signs JWTs with it, so the app that verifies them locally accepts the real ones.
const JWT_KEY = 'fuzz-jwt-key-0123456789abcdef';
const RUNS = { unlimited: 12_000, limited: 3_000, rawHeaders: 1_000 };

let sent = 0;
let emulator: AppwriteEmulator;
let pool: ReturnType<typeof poolTransport>;
const calls: UpstreamCall[] = [];
const logs: string[] = [];
const credentials: CredentialPool = { sessions: [], guests: [], jwts: [], states: [] };

beforeAll(async () => {
  // Appwrite's own limits off: the worker's limiter is what the second property exercises.
  emulator = await startAppwriteEmulator({ rateLimits: false, jwtKey: JWT_KEY });
  pool = poolTransport({ connections: 8 });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' '));
    });
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await pool?.close();
  await emulator?.stop();
});

const transport = (): Transport => recording(pool, calls);

const appWith = (env: Record<string, string>, options: Parameters<typeof createApp>[1] = {}) =>
  createApp(
    parseConfig({
      APPWRITE_ENDPOINT: emulator.endpoint,
      APPWRITE_PROJECT_ID: PROJECT,
      APPWRITE_API_KEY: API_KEY,
      OAUTH_PROVIDERS: 'github',
      HOME_TABLE: `${DATABASE}/${BIRTHDAYS}`,
      ALLOWED_ORIGINS: FRONT,
      APPWRITE_TIMEOUT_MS: '5000',
      ...env,
    }),
    { transport: transport(), ...options },
  );

/**
 * Real credentials for the placeholders: sessions of user-b and user-c (server-created, so no
 * password hashing), guest sessions, JWTs of those sessions, and started OAuth flows' states.
 * Refilled while the fuzzer runs, since a fuzzed logout or upgrade uses one up.
 */
const refill = async (app: ReturnType<typeof appWith>) => {
  const admin = new Client().setEndpoint(emulator.endpoint).setProject(PROJECT).setKey(API_KEY);
  const sessions = await Promise.all(
    ['user-b', 'user-c'].map((userId) => new Users(admin).createSession({ userId })),
  );
  const guests = await Promise.all([0, 1].map(() => new Account(admin).createAnonymousSession()));
  const jwts = await Promise.all(
    [...sessions, guests[0]].map(async (session) => {
      const client = new Client().setEndpoint(emulator.endpoint).setProject(PROJECT);
      client.setSession(session?.secret ?? '');
      return (await new Account(client).createJWT()).jwt;
    }),
  );
  const states: string[] = [];
  for (let i = 0; i < 2; i++) {
    const start = await app.request(`${BASE}/auth/oauth/github`);
    const cookie =
      start.headers.getSetCookie().find((line) => line.startsWith(`__Host-${COOKIE}_oauth=`)) ?? '';
    states.push(cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';')));
  }
  Object.assign(credentials, {
    sessions: sessions.map((s) => s.secret),
    guests: guests.map((s) => s.secret),
    jwts,
    states,
  });
};

/** Origins a redirect may name: the app's, the allow-listed one, and Appwrite's for an OAuth start. */
const redirectOrigins = (url: string) => {
  const path = new URL(url).pathname;
  const oauthStart = path.startsWith('/auth/oauth/') && !/^\/auth\/oauth\/(?:callback|failure)$/.test(path);
  return new Set(oauthStart ? [BASE, FRONT, emulator.origin] : [BASE, FRONT]);
};

/** Every secret the pool holds: none may show up in a log line. */
const poolSecrets = () => [...credentials.sessions, ...credentials.guests, ...credentials.jwts];

/** Sends one request and returns everything wrong with the answer, the upstream calls and the logs. */
const exchange = async (
  app: ReturnType<typeof appWith>,
  request: Request | { url: string; init: RequestInit },
  method: string,
): Promise<{ answer: Answer; problems: string[] }> => {
  calls.length = 0;
  logs.length = 0;
  const response =
    request instanceof Request ? await app.fetch(request) : await app.request(request.url, request.init);
  sent += 1;
  const answer = await readAnswer(response);
  const problems = checkAnswer({ method, url: request.url }, answer, redirectOrigins(request.url));
  for (const call of calls) problems.push(...checkUpstreamCall(call, emulator.endpoint, API_KEY));
  const secrets = poolSecrets();
  for (const line of logs) {
    if (LOG_BREAKS.test(line))
      problems.push(`log line with a control or line break: ${JSON.stringify(line)}`);
    if (line.includes(API_KEY) || secrets.some((secret) => line.includes(secret))) {
      problems.push(`a credential in a log line: ${JSON.stringify(line.slice(0, 200))}`);
    }
  }
  return { answer, problems };
};

const describeSpec = (spec: RequestSpec) =>
  `${spec.method} ${resolve(spec.path, credentials).slice(0, 300)} (headers ${JSON.stringify(
    spec.headers.map(([name, value]) => [name, value.slice(0, 80)]),
  )})`;

describe('generated requests', () => {
  afterEach(() => {
    // Whatever a failing run left, the next property starts with empty buffers.
    calls.length = 0;
    logs.length = 0;
  });

  it(`never answers 5xx, a stack trace, an injected header or a foreign redirect (${RUNS.unlimited} runs, limits off, half with LOG_LEVEL=debug, local JWT checks and the identity cache)`, {
    timeout: 120_000,
  }, async () => {
    const quiet = appWith({ RATE_LIMIT_STORE: 'off', LOG_LEVEL: 'error' });
    // The other half also verifies Bearer JWTs locally, with node:crypto (as `npm start` does).
    const verbose = appWith(
      {
        RATE_LIMIT_STORE: 'off',
        LOG_LEVEL: 'debug',
        APPWRITE_JWT_KEY: JWT_KEY,
        IDENTITY_CACHE_TTL_SECONDS: '5',
      },
      nodeCrypto,
    );
    await refill(quiet);
    const statuses = new Map<number, number>();
    let run = 0;
    let upstreamCalls = 0;
    let debugLines = 0;
    await fc.assert(
      fc.asyncProperty(requestArbitrary, fc.boolean(), async (spec, debug) => {
        run += 1;
        if (run % 400 === 0) await refill(quiet);
        const { answer, problems } = await exchange(
          debug ? verbose : quiet,
          toRequest(spec, credentials),
          spec.method,
        );
        upstreamCalls += calls.length;
        if (debug) debugLines += logs.length;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (problems.length) {
          throw new Error(`${describeSpec(spec)} → ${answer.status}\n${problems.join('\n')}`);
        }
      }),
      { numRuns: RUNS.unlimited, seed: SEED, endOnFailure: true },
    );
    // The routes were really exercised: sign-ins, reads and errors of every kind, through Appwrite.
    for (const status of [200, 201, 204, 302, 303, 400, 401, 403, 404, 413, 415]) {
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    }
    expect(upstreamCalls).toBeGreaterThan(RUNS.unlimited / 10);
    expect(debugLines).toBeGreaterThan(RUNS.unlimited / 4);
  });

  it(`answers Appwrite-shaped 429s with Retry-After under the default limits (${RUNS.limited} runs)`, {
    timeout: 60_000,
  }, async () => {
    const limited = appWith({ LOG_LEVEL: 'info' }, { connInfo: (c) => c.req.header('x-test-peer') });
    await refill(limited);
    let limitedAnswers = 0;
    // Most runs go to a limited route (the rest anywhere), from a handful of client addresses.
    const limitedRoute = fc.constantFrom(
      { method: 'POST', path: '/auth/login' },
      { method: 'POST', path: '/auth/signup' },
      { method: 'POST', path: '/auth/anonymous' },
      { method: 'POST', path: '/auth/upgrade' },
      { method: 'POST', path: '/auth/jwt' },
      { method: 'GET', path: '/auth/oauth/github' },
      { method: 'GET', path: `/auth/oauth/callback?state=«state:0»&userId=user-a&secret=${'ab'.repeat(32)}` },
    );
    await fc.assert(
      fc.asyncProperty(
        requestArbitrary,
        fc.option(limitedRoute, { freq: 4, nil: undefined }),
        fc.constantFrom('198.51.100.7', '2001:db8::1', 'not-an-ip', undefined),
        async (generated, route, peer) => {
          const spec = route ? { ...generated, ...route } : generated;
          const request = toRequest(spec, credentials);
          if (peer) (request.init.headers as Headers).set('x-test-peer', peer);
          const { answer, problems } = await exchange(limited, request, spec.method);
          if (answer.status === 429) {
            limitedAnswers += 1;
            const typed = answer.body.includes('"type":"general_rate_limit_exceeded"');
            if (!typed && spec.method.toUpperCase() !== 'HEAD') problems.push('429 of another type');
          }
          if (problems.length) {
            throw new Error(`${describeSpec(spec)} from ${peer} → ${answer.status}\n${problems.join('\n')}`);
          }
        },
      ),
      { numRuns: RUNS.limited, seed: SEED + 1, endOnFailure: true },
    );
    expect(limitedAnswers).toBeGreaterThan(10);
  });

  it(`strips CR, LF and NUL that reach the app in header values (${RUNS.rawHeaders} runs, Request headers bypassing the Fetch checks)`, {
    timeout: 60_000,
  }, async () => {
    // The Fetch API refuses CR, LF and NUL in header values, so `app.request` cannot carry them. A
    // runtime or an adapter that is laxer could: give the Request headers that hold them anyway.
    const verbose = appWith({ RATE_LIMIT_STORE: 'off', LOG_LEVEL: 'debug' });
    await refill(verbose);
    const nasty = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '\r\n',
            '\r',
            '\n',
            '\u0000',
            '\r\nX-Injected: 1\r\n\r\n',
            '\n\nGET / HTTP/1.1',
            '\t',
          ),
          fc.string({ maxLength: 8 }),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          { method: 'POST', path: '/auth/anonymous' },
          {
            method: 'GET',
            path: `/auth/oauth/callback?state=«state:0»&userId=user-a&secret=${'ab'.repeat(32)}`,
          },
          { method: 'GET', path: '/auth/oauth/github' },
          { method: 'GET', path: '/me' },
          { method: 'GET', path: '/' },
          { method: 'POST', path: '/auth/logout' },
        ),
        fc.record(
          {
            'User-Agent': nasty,
            Cookie: fc.oneof(
              nasty,
              nasty.map((value) => `${COOKIE}=${value}`),
            ),
            Authorization: nasty.map((value) => `Bearer ${value}`),
            Origin: nasty,
            Accept: nasty,
            'X-Custom': nasty,
          },
          { requiredKeys: ['User-Agent'] },
        ),
        async (target, raw) => {
          const url = `${BASE}${resolve(target.path, credentials)}`;
          const entries = Object.entries(raw).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          );
          if (target.path.includes('callback'))
            entries.push(['Cookie', `__Host-${COOKIE}_oauth=${credentials.states[0]}`]);
          const request = withRawHeaders(new Request(url, { method: target.method }), entries);
          const { answer, problems } = await exchange(verbose, request, target.method);
          forwarded += calls.filter((call) => call.headers['X-Forwarded-User-Agent'] !== undefined).length;
          if (problems.length) {
            throw new Error(
              `${target.method} ${url} ${JSON.stringify(entries)} → ${answer.status}\n${problems.join('\n')}`,
            );
          }
        },
      ),
      { numRuns: RUNS.rawHeaders, seed: SEED + 2, endOnFailure: true },
    );
    // The user agent really went upstream (cleaned), not just dropped every time.
    expect(forwarded).toBeGreaterThan(RUNS.rawHeaders / 10);
  });

  // Found by this file (fixed): JSON.stringify escapes C0 controls but leaves C1 controls
  // (U+0080–U+009F) raw. A header byte 0x85 is NEL, a line break to Unicode-aware log tooling, and
  // 0x9B is CSI, an 8-bit terminal escape; a User-Agent with UTF-8 in it ("Å" is C3 85) has them.
  it('escapes C1 controls (NEL, CSI) of request headers in the debug log', async () => {
    const verbose = appWith({ RATE_LIMIT_STORE: 'off', LOG_LEVEL: 'debug' });
    logs.length = 0;
    await verbose.request(`${BASE}/health`, { headers: { 'User-Agent': 'a\u0085b\u009b31mc' } });
    const line = logs.find((entry) => entry.includes('"/health"')) ?? '';
    expect(line).toContain('user-agent');
    expect(line).not.toMatch(/[\u0080-\u009f]/);
  });

  it(`sent at least ${MIN_REQUESTS.toLocaleString('en')} generated requests`, () => {
    expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
  });
});

/**
 * `request` with `headers` replaced by a plain list that keeps whatever it is given (CR, LF, NUL),
 * read through the same `get`/`has`/`forEach` interface Hono and the worker use.
 */
const withRawHeaders = (request: Request, entries: [string, string][]): Request => {
  const lower = entries.map(([name, value]): [string, string] => [name.toLowerCase(), value]);
  const get = (name: string) => {
    const values = lower.filter(([key]) => key === name.toLowerCase()).map(([, value]) => value);
    return values.length ? values.join(name.toLowerCase() === 'cookie' ? '; ' : ', ') : null;
  };
  const headers = {
    get,
    has: (name: string) => get(name) !== null,
    forEach: (callback: (value: string, name: string, parent: unknown) => void) => {
      for (const [name, value] of lower) callback(value, name, headers);
    },
    entries: () => lower[Symbol.iterator](),
    keys: () => lower.map(([name]) => name)[Symbol.iterator](),
    values: () => lower.map(([, value]) => value)[Symbol.iterator](),
    [Symbol.iterator]: () => lower[Symbol.iterator](),
    getSetCookie: () => [],
  };
  Object.defineProperty(request, 'headers', { value: headers });
  return request;
};

describe('the fuzzer can fail', () => {
  const ok: Answer = {
    status: 401,
    headers: [['content-type', 'application/json']],
    setCookies: [],
    body: '{"message":"m","code":401,"type":"user_unauthorized"}',
  };
  const origins = new Set([BASE]);
  const check = (answer: Partial<Answer>, url = `${BASE}/me`, method = 'GET') =>
    checkAnswer({ method, url }, { ...ok, ...answer }, origins);

  it('accepts a well-formed answer', () => {
    expect(check({})).toEqual([]);
  });

  it.each<[string, Partial<Answer>, string?]>([
    ['a 500', { status: 500, body: '{"message":"Server Error","code":500,"type":"general_unknown"}' }],
    [
      'a stack trace',
      { body: '{"message":"Error: x\\n    at f (/work/main/src/app.ts:1:2)","code":401,"type":"x"}' },
    ],
    ['a code that is not the status', { body: '{"message":"m","code":400,"type":"user_unauthorized"}' }],
    ['a type with capitals', { body: '{"message":"m","code":401,"type":"UserUnauthorized"}' }],
    ['extra fields', { body: '{"message":"m","code":401,"type":"x","stack":"..."}' }],
    ['a text error', { headers: [['content-type', 'text/plain']], body: 'Internal' }],
    ['an unknown header', { headers: [...(ok.headers ?? []), ['x-powered-by', 'hono']] }],
    ['a foreign redirect', { status: 302, headers: [['location', 'https://evil.example/']], body: '' }],
    ['a protocol-relative redirect', { status: 302, headers: [['location', '//evil.example/']], body: '' }],
    ['HTML on an API route', { status: 200, headers: [['content-type', 'text/html']], body: '<p>' }],
    ['a 429 without Retry-After', { status: 429, body: '{"message":"m","code":429,"type":"x"}' }],
    ['a foreign cookie', { setCookies: ['pwned=1; Path=/; HttpOnly; Secure'] }],
  ])('flags %s', (_, answer) => {
    expect(check(answer)).not.toEqual([]);
  });

  it('flags log lines that break, and upstream headers that carry controls or mix the key with a session', () => {
    expect(LOG_BREAKS.test('GET "/" → 200 headers={"user-agent":"a\nb"}')).toBe(true);
    expect(LOG_BREAKS.test('GET "/" → 200 headers={"user-agent":"a\\nb"}')).toBe(false);
    const endpoint = 'http://127.0.0.1:1/v1';
    const call = (headers: Record<string, string>): UpstreamCall => ({
      url: `${endpoint}/account`,
      method: 'GET',
      headers,
    });
    expect(checkUpstreamCall(call({ 'X-Forwarded-User-Agent': 'a\r\nb' }), endpoint, 'k')).not.toEqual([]);
    expect(
      checkUpstreamCall(call({ 'X-Appwrite-Key': 'k', 'X-Appwrite-Session': 's' }), endpoint, 'k'),
    ).not.toEqual([]);
    expect(checkUpstreamCall(call({ 'X-Appwrite-Key': 'k' }), endpoint, 'k')).toEqual([]);
  });

  it('a property over a worker whose upstream throws a plain Error fails (500 general_unknown)', {
    timeout: 30_000,
  }, async () => {
    const broken: Transport = async () => {
      throw new Error('boom');
    };
    const app = appWith({ RATE_LIMIT_STORE: 'off' }, { transport: broken });
    const before = sent;
    const details = await fc.check(
      fc.asyncProperty(requestArbitrary, async (spec) => {
        const { problems } = await exchange(app, toRequest(spec, credentials), spec.method);
        return problems.length === 0;
      }),
      { numRuns: 300, seed: SEED },
    );
    sent = before; // not counted towards the generated requests of the real properties
    expect(details.failed).toBe(true);
  });
});

// Found by this file (fixed in createApp): hono 4.13.19's TrieRouter looks methods up on plain
// objects, so a method named after an Object.prototype member threw inside the router before any
// middleware (in-process a rejection; on Deno, which passes any method token, a 500 with a stack
// trace in its log), and `__proto__` polluted Object.prototype for every later request. Expected:
// the same Appwrite-shaped 404 general_route_not_found as any unknown method (`FOO`).
describe('methods named after Object.prototype members', () => {
  it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__'])(
    'answers %s /health with an Appwrite-shaped 404 like any unknown method',
    async (method) => {
      const app = appWith({ RATE_LIMIT_STORE: 'off' });
      const unknown = await app.request(`${BASE}/health`, { method: 'FOO' });
      expect(unknown.status).toBe(404);
      const response = await app.request(`${BASE}/health`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 404, type: 'general_route_not_found' });
    },
  );
});
