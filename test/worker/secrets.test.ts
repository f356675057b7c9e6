// Issue 6 §4: no secret leaks. The whole black-box scenario and the steps below run against apps
// with LOG_LEVEL=debug (the most verbose level); every worker answer (headers and body) and every
// log line is recorded, and every secret that came into existence — the API key, each session
// secret, each JWT, each OAuth token secret — is looked for in all of them. Two places are allowed:
// the Set-Cookie that hands a new session to whoever signed in, and the /auth/jwt answer (JSON or
// the JWT page) to the owner of the session that minted the JWT.
import { randomBytes } from 'node:crypto';
import { type AppwriteEmulator, DEMO_SEED, type Seed, startAppwriteEmulator } from 'appwrite-emulator';
import type { Transport, TransportResponse } from 'hono-appwrite';
import { poolTransport } from 'hono-appwrite/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';
import { consent } from '../support/oauth-consent.ts';
import {
  COOKIE,
  defineScenario,
  Jar,
  parseSetCookies,
  type Target,
  uniqueEmail,
} from '../support/scenario.ts';

const BASE = 'http://127.0.0.1:8787';
const ROWS = `/tables/${DATABASE}/${BIRTHDAYS}/rows`;
/** The worker's API key: long and unique, so any fragment of it in a scan is a real hit. */
const WORKER_KEY = `worker-key-${randomBytes(40).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// What is recorded

/** One answer of the worker, as the client saw it, with the session cookie the request carried. */
interface Exchange {
  app: string;
  method: string;
  path: string;
  /** The session cookie the request sent (decoded), if any: who is asking. */
  session: string | undefined;
  status: number;
  headers: [string, string][];
  setCookies: string[];
  body: string;
}

type SecretKind =
  | 'api key'
  | 'session'
  | 'session (inner secret)'
  | 'jwt'
  | 'oauth token'
  | 'oauth token (inner secret)'
  | 'jwt signing key'
  | 'password';

interface Secret {
  kind: SecretKind;
  value: string;
  /** For a JWT: the session that minted it (its owner may be shown it by /auth/jwt). */
  mintedBy?: string;
}

/** The cookie value a request carried for the session cookie, decoded as the worker reads it. */
const sessionOf = (headers: Headers): string | undefined => {
  const pair = (headers.get('cookie') ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${COOKIE}=`));
  if (!pair) return undefined;
  try {
    return decodeURIComponent(pair.slice(COOKIE.length + 1));
  } catch {
    return pair.slice(COOKIE.length + 1);
  }
};

// ---------------------------------------------------------------------------------------------
// The scan

/**
 * The part of a secret only it has: a JWT's signature; of a session (base64 of `{"id","secret"}`)
 * the characters that encode the inner secret, not the user id every session of that user shares.
 */
const distinctivePart = (secret: Secret): string => {
  const { value } = secret;
  if (secret.kind === 'jwt' || secret.kind === 'oauth token') return value.split('.')[2] ?? value;
  if (secret.kind === 'session') {
    try {
      const { id } = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { id?: unknown };
      const prefix = Buffer.byteLength(`{"id":${JSON.stringify(id)},"secret":"`);
      return value.slice(Math.ceil(prefix / 3) * 4, -8);
    } catch {
      return value;
    }
  }
  return value;
};

/**
 * The strings to look for: the secret, its URL-encoded form, and every 24-character window of its
 * distinctive part (URL-encoded too), so that a copy cut anywhere (e.g. a header truncated at 512
 * characters in a log) is still found while 48 characters of it are left (31 of a JWT signature).
 */
const needles = (secret: Secret): string[] => {
  const found = new Set([secret.value, encodeURIComponent(secret.value)]);
  const part = distinctivePart(secret);
  const size = 24;
  // Short parts (a JWT signature: 43 characters) get overlapping windows: any 31 characters hold one.
  const step = part.length < 100 ? 8 : size;
  if (part.length >= size) {
    for (let at = 0; at + size <= part.length; at += step) found.add(part.slice(at, at + size));
    found.add(part.slice(-size));
  } else found.add(part);
  for (const needle of [...found]) found.add(encodeURIComponent(needle));
  return [...found].filter((needle) => needle.length >= 16);
};

// The upgrade signs the upgraded account in with a fresh session.
const SIGN_INS = new Set([
  '/auth/signup',
  '/auth/login',
  '/auth/anonymous',
  '/auth/upgrade',
  '/auth/oauth/callback',
]);
const pathOnly = (path: string) => path.split(/[?#]/)[0] ?? path;

/**
 * Every place a secret shows up where it must not: any header or body of any answer, and any log
 * line — except a session in the Set-Cookie of the one sign-in answer that created it, and a JWT
 * in a POST /auth/jwt answer's body to the session that minted it (those are counted in `allowed`).
 */
const findLeaks = (
  exchanges: readonly Exchange[],
  logs: readonly string[],
  secrets: readonly Secret[],
  allowed: { count: number } = { count: 0 },
) => {
  const leaks: string[] = [];
  const handedOut = new Map<string, number>();
  for (const secret of secrets) {
    const patterns = needles(secret);
    const has = (text: string) => patterns.some((needle) => text.includes(needle));
    exchanges.forEach((exchange, index) => {
      const where = `${exchange.app} #${index} ${exchange.method} ${exchange.path.slice(0, 80)} → ${exchange.status}`;
      for (const [name, value] of exchange.headers) {
        if (name === 'set-cookie' || !has(value)) continue;
        leaks.push(`${secret.kind} in the ${name} header of ${where}`);
      }
      for (const line of exchange.setCookies) {
        if (!has(line)) continue;
        const ownCookie =
          secret.kind === 'session' &&
          line.startsWith(`${COOKIE}=${encodeURIComponent(secret.value)};`) &&
          SIGN_INS.has(pathOnly(exchange.path)) &&
          exchange.status < 400;
        const first = !handedOut.has(secret.value);
        if (ownCookie && first) {
          handedOut.set(secret.value, index);
          allowed.count += 1;
        } else
          leaks.push(`${secret.kind} in a Set-Cookie of ${where}${ownCookie ? ' (handed out twice)' : ''}`);
      }
      if (has(exchange.body)) {
        const toOwner =
          secret.kind === 'jwt' &&
          exchange.method === 'POST' &&
          pathOnly(exchange.path) === '/auth/jwt' &&
          exchange.status === 200 &&
          exchange.session !== undefined &&
          exchange.session === secret.mintedBy;
        if (toOwner) allowed.count += 1;
        else leaks.push(`${secret.kind} in the body of ${where}`);
      }
    });
    for (const line of logs) {
      if (has(line)) leaks.push(`${secret.kind} in a log line: ${JSON.stringify(line.slice(0, 160))}`);
    }
  }
  return leaks;
};

// ---------------------------------------------------------------------------------------------
// Recording: the worker's answers, its logs, and what went upstream (to learn every secret)

const exchanges: Exchange[] = [];
const logs: string[] = [];
const secrets = new Map<string, Secret>();

const addSecret = (secret: Secret) => {
  if (secret.value && !secrets.has(secret.value)) secrets.set(secret.value, secret);
};

/** JWT payload claims, or undefined. */
const claims = (jwt: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
};

/** A session secret and the secret inside it (Appwrite's base64 of `{"id","secret"}`). */
const addSession = (value: string) => {
  addSecret({ kind: 'session', value });
  try {
    const inner = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { secret?: unknown };
    if (typeof inner.secret === 'string') addSecret({ kind: 'session (inner secret)', value: inner.secret });
  } catch {
    // not Appwrite's format: the whole value is the secret
  }
};

/**
 * A transport that learns every secret from the traffic itself: session secrets and JWTs in
 * Appwrite's answers, the OAuth token secret in the worker's `createSession` call, and which session
 * minted which JWT.
 */
const learning =
  (inner: Transport): Transport =>
  async (url, request) => {
    const body = typeof request.body === 'string' ? request.body : '';
    if (url.includes('/account/sessions/token') && body) {
      const token = (JSON.parse(body) as { secret?: unknown }).secret;
      if (typeof token === 'string') {
        addSecret({ kind: 'oauth token', value: token });
        const raw = claims(token)?.secret;
        if (typeof raw === 'string') addSecret({ kind: 'oauth token (inner secret)', value: raw });
      }
    }
    const response = await inner(url, request);
    const text = await response.text();
    if (response.headers.get('content-type')?.includes('application/json')) {
      try {
        const data = JSON.parse(text) as { secret?: unknown; jwt?: unknown };
        if (typeof data.secret === 'string' && data.secret) addSession(data.secret);
        if (typeof data.jwt === 'string') {
          const header = Object.entries(request.headers).find(
            ([name]) => name.toLowerCase() === 'x-appwrite-session',
          );
          addSecret({ kind: 'jwt', value: data.jwt, mintedBy: header?.[1] });
        }
      } catch {
        // not JSON after all: nothing to learn
      }
    }
    const replay: TransportResponse = {
      status: response.status,
      headers: response.headers,
      text: async () => text,
      arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
    };
    return replay;
  };

type App = ReturnType<typeof createApp>;

/** Sends a request to `app` and records the answer (a clone: the caller reads the original). */
const record = async (name: string, app: App, path: string, init: RequestInit = {}): Promise<Response> => {
  const request = new Request(`${BASE}${path}`, init);
  const response = await app.request(request);
  const copy = response.clone();
  exchanges.push({
    app: name,
    method: request.method,
    path,
    session: sessionOf(request.headers),
    status: copy.status,
    headers: [...copy.headers],
    setCookies: copy.headers.getSetCookie(),
    body: await copy.text(),
  });
  return response;
};

// ---------------------------------------------------------------------------------------------
// The apps

let emulator: AppwriteEmulator;
let pool: ReturnType<typeof poolTransport>;
let main: App;
let limited: App;
let down: App;
let downEndpoint = '';

/** The demo project with a second API key, the worker's (the scenario's admin checks keep the demo key). */
const seedWithWorkerKey = (): Seed => ({
  projects: DEMO_SEED.projects.map((project) => ({
    ...project,
    apiKeys: [...(project.apiKeys ?? []), { name: 'worker', secret: WORKER_KEY }],
  })),
});

const appAgainst = (
  endpoint: string,
  env: Record<string, string> = {},
  options: Parameters<typeof createApp>[1] = {},
) =>
  createApp(
    parseConfig({
      APPWRITE_ENDPOINT: endpoint,
      APPWRITE_PROJECT_ID: PROJECT,
      APPWRITE_API_KEY: WORKER_KEY,
      OAUTH_PROVIDERS: 'github',
      HOME_TABLE: `${DATABASE}/${BIRTHDAYS}`,
      LOG_LEVEL: 'debug',
      APPWRITE_TIMEOUT_MS: '5000',
      ...env,
    }),
    { transport: learning(pool), ...options },
  );

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' '));
    });
  }
  // Anything written straight to the process's output is a log line too (passed through).
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return write(chunk as string, ...rest);
    }) as typeof stream.write);
  }
  const seed = seedWithWorkerKey();
  emulator = await startAppwriteEmulator({ seed });
  addSecret({ kind: 'api key', value: WORKER_KEY });
  addSecret({ kind: 'jwt signing key', value: emulator.context.jwtSecret });
  addSecret({ kind: 'password', value: PASSWORD });
  addSecret({ kind: 'password', value: WRONG_PASSWORD });
  // An Appwrite that is down: an emulator started and stopped, so its port refuses connections.
  const gone = await startAppwriteEmulator({ seed });
  downEndpoint = gone.endpoint;
  await gone.stop();
  pool = poolTransport({ connections: 8 });
  main = appAgainst(emulator.endpoint, { RATE_LIMIT_STORE: 'off' });
  // Small limits, so a few requests reach a 429; the peer address comes from a test header.
  limited = appAgainst(
    emulator.endpoint,
    { RATE_LIMIT_LOGIN: '3/60', RATE_LIMIT_JWT: '3/60', RATE_LIMIT_OAUTH: '2/60', RATE_LIMIT_GUEST: '2/60' },
    { connInfo: (c) => c.req.header('x-test-peer') },
  );
  down = appAgainst(downEndpoint, { RATE_LIMIT_STORE: 'off' });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await pool?.close();
  await emulator?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const form = (body: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE, ...headers },
  body: new URLSearchParams(body),
});
const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), cookie: `${COOKIE}=${encodeURIComponent(cookie)}` },
});
const bearer = (jwt: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${jwt}` },
});

/** The session cookie an answer set (decoded), or fails. */
const sessionSetBy = (response: Response): string => {
  const cookie = parseSetCookies(response).find((c) => c.name === COOKIE && c.value);
  expect(cookie, 'a session cookie').toBeDefined();
  return cookie?.value ?? '';
};

// ---------------------------------------------------------------------------------------------

describe('the scenario with LOG_LEVEL=debug, recorded', () => {
  const target = (): Target => ({
    base: BASE,
    endpoint: emulator.endpoint,
    request: (path, init) => record('main', main, path, init),
  });
  defineScenario(target);
});

describe('more steps, recorded', () => {
  const send = (path: string, init?: RequestInit) => record('main', main, path, init);

  it('signs up (JSON and form), fails a password (JSON and form), and reads as cookie and Bearer', async () => {
    const email = uniqueEmail('secrets');
    const signup = await send('/auth/signup', json({ email, password: PASSWORD, name: 'Secret' }));
    expect(signup.status).toBe(201);
    const session = sessionSetBy(signup);
    const formSignup = await send(
      '/auth/signup',
      form({ email: uniqueEmail('secrets-form'), password: PASSWORD, next: '/me' }),
    );
    expect(formSignup.status).toBe(303);

    const wrong = await send('/auth/login', json({ email, password: WRONG_PASSWORD }));
    expect(wrong.status).toBe(401);
    const wrongForm = await send('/auth/login', form({ email, password: WRONG_PASSWORD, next: '/me' }));
    expect(wrongForm.status).toBe(303);
    const login = await send('/auth/login', form({ email, password: PASSWORD, next: '/' }));
    expect(login.status).toBe(303);

    const minted = await send('/auth/jwt', withCookie(session, { method: 'POST' }));
    const { jwt } = (await minted.json()) as { jwt: string };
    for (const init of [withCookie(session), bearer(jwt)]) {
      expect((await send('/me', init)).status).toBe(200);
      expect((await send(ROWS, init)).status).toBe(200);
    }
    // The home page, signed in: it shows the user and rows, never the credential.
    expect((await send('/', withCookie(session, { headers: { accept: 'text/html' } }))).status).toBe(200);
  });

  it('shows the JWT page to a form post, and only that session gets its JWT', async () => {
    const login = await send('/auth/login', json({ email: 'user-b@example.com', password: 'password-b' }));
    const session = sessionSetBy(login);
    const page = await send('/auth/jwt', withCookie(session, form({})));
    expect(page.status).toBe(200);
    const html = await page.text();
    const shown = /<textarea[^>]*>([^<]+)<\/textarea>/.exec(html)?.[1]?.trim() ?? '';
    expect(shown.split('.')).toHaveLength(3);
    expect(secrets.get(shown)?.mintedBy).toBe(session);
    // The JSON form of the same JWT, to the same session.
    const again = await send('/auth/jwt', withCookie(session, { method: 'POST' }));
    expect(((await again.json()) as { jwt: string }).jwt).toBe(shown);
  });

  it('upgrades a guest with a form, and answers a stale page after logout without the secret', async () => {
    const guest = await send('/auth/anonymous', { method: 'POST' });
    const session = sessionSetBy(guest);
    const upgraded = await send(
      '/auth/upgrade',
      withCookie(session, form({ email: uniqueEmail('upgrade'), password: PASSWORD, next: '/' })),
    );
    expect(upgraded.status).toBe(303);
    const formLogout = await send('/auth/logout', withCookie(session, form({ next: '/login' })));
    expect(formLogout.status).toBe(303);
    // The logged-out cookie everywhere: JSON and form, pages and API.
    for (const [path, init] of [
      ['/me', withCookie(session)],
      [ROWS, withCookie(session)],
      ['/', withCookie(session, { headers: { accept: 'text/html' } })],
      ['/auth/jwt', withCookie(session, { method: 'POST' })],
      ['/auth/jwt', withCookie(session, form({}))],
      ['/auth/logout', withCookie(session, { method: 'POST' })],
      ['/auth/upgrade', withCookie(session, json({ email: uniqueEmail('late'), password: PASSWORD }))],
      ['/auth/upgrade', withCookie(session, form({ email: uniqueEmail('late'), password: PASSWORD }))],
    ] as const) {
      const response = await send(path, init);
      expect(response.status, `${init.method ?? 'GET'} ${path}`).toBeLessThan(500);
    }
  });

  it('signs in with OAuth (the callback carries the token secret) and refuses a replay and a stranger', async () => {
    const jar = new Jar();
    const start = await send('/auth/oauth/github?next=/me');
    expect(start.status).toBe(302);
    jar.absorb(start);
    const { location } = await consent(start.headers.get('location') ?? '', {
      email: uniqueEmail('oauth-secrets'),
      decision: 'allow',
    });
    const callback = new URL(location);
    const path = `${callback.pathname}${callback.search}`;
    expect(callback.searchParams.get('secret')).toBeTruthy();
    // A stranger (no state cookie), as API client and as browser: no session, no echo of the secret.
    await send(path, { headers: { accept: 'application/json' } });
    await send(path, { headers: { accept: 'text/html' } });
    const stateCookie = jar.header();
    const landed = await send(path, { headers: { cookie: stateCookie } });
    expect(landed.status).toBe(302);
    sessionSetBy(landed);
    jar.absorb(landed);
    // Replayed by the same browser (the state cookie is gone): 403; with the old state cookie kept,
    // Appwrite refuses the used token (401). Neither answer may echo the token secret.
    expect((await send(path, { headers: { cookie: jar.header() } })).status).toBe(403);
    expect((await send(path, { headers: { cookie: stateCookie } })).status).toBe(401);
    // The token secret went upstream exactly once, and was learnt from there.
    expect([...secrets.values()].some((s) => s.value === callback.searchParams.get('secret'))).toBe(true);
  });

  it('never logs an API key a client sends, nor credentials in odd headers', async () => {
    const login = await send('/auth/login', json({ email: 'user-c@example.com', password: 'password-c' }));
    const session = sessionSetBy(login);
    const odd: Record<string, string>[] = [
      { 'x-appwrite-key': WORKER_KEY },
      { 'x-appwrite-session': session },
      { 'proxy-authorization': `Bearer ${WORKER_KEY}` },
      { authorization: `Bearer ${WORKER_KEY}` },
      { authorization: session },
      { cookie: `${COOKIE}=${encodeURIComponent(session)}; ${COOKIE}=${encodeURIComponent(session)}x` },
    ];
    for (const headers of odd) {
      await send('/health', { headers });
      await send('/me', { headers });
    }
  });
});

describe('answers while Appwrite is down, recorded', () => {
  const send = (path: string, init?: RequestInit) => record('down', down, path, init);

  it('answers 502 upstream_unavailable with no secret in the answer, the redirect or the log', async () => {
    const login = await record(
      'main',
      main,
      '/auth/login',
      json({ email: 'user-a@example.com', password: 'password-a' }),
    );
    const session = sessionSetBy(login);
    const jwt = (
      (await (await record('main', main, '/auth/jwt', withCookie(session, { method: 'POST' }))).json()) as {
        jwt: string;
      }
    ).jwt;
    const cases: [string, RequestInit][] = [
      ['/auth/login', json({ email: 'user-a@example.com', password: PASSWORD })],
      ['/auth/login', form({ email: 'user-a@example.com', password: PASSWORD, next: '/me' })],
      ['/auth/signup', json({ email: uniqueEmail('down'), password: PASSWORD })],
      ['/auth/anonymous', { method: 'POST' }],
      ['/me', withCookie(session)],
      ['/me', bearer(jwt)],
      [ROWS, withCookie(session)],
      ['/', withCookie(session, { headers: { accept: 'text/html' } })],
      ['/auth/jwt', withCookie(`${session}`, { method: 'POST' })],
      ['/auth/logout', withCookie(session, { method: 'POST' })],
      ['/auth/oauth/github', { headers: { accept: 'text/html' } }],
      ['/auth/oauth/github', {}],
    ];
    for (const [path, init] of cases) {
      const response = await send(path, init);
      expect([502, 303, 302], `${init.method ?? 'GET'} ${path}`).toContain(response.status);
    }
    expect(exchanges.filter((e) => e.app === 'down' && e.status === 502).length).toBeGreaterThan(5);
  });
});

describe('429 answers of the rate limiter, recorded', () => {
  const send = (path: string, init: RequestInit = {}) =>
    record('limited', limited, path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), 'x-test-peer': '198.51.100.44' },
    });

  it('limits logins, JWT minting, guests and OAuth starts without a secret in the 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await send('/auth/login', json({ email: 'user-a@example.com', password: WRONG_PASSWORD }))).status,
      );
    }
    const login = await record(
      'limited',
      limited,
      '/auth/login',
      json({ email: 'user-a@example.com', password: 'password-a' }, { 'x-test-peer': '198.51.100.45' }),
    );
    const session = sessionSetBy(login);
    for (let i = 0; i < 4; i++)
      statuses.push((await send('/auth/jwt', withCookie(session, { method: 'POST' }))).status);
    statuses.push((await send('/auth/jwt', withCookie(session, form({})))).status);
    for (let i = 0; i < 3; i++) statuses.push((await send('/auth/anonymous', { method: 'POST' })).status);
    for (let i = 0; i < 3; i++) {
      statuses.push((await send('/auth/oauth/github', { headers: { accept: 'text/html' } })).status);
      statuses.push((await send('/auth/oauth/github')).status);
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(4);
    const limitedAnswers = exchanges.filter((e) => e.app === 'limited' && e.status === 429);
    for (const answer of limitedAnswers) {
      expect(answer.headers.find(([name]) => name === 'retry-after')?.[1]).toMatch(/^[1-9]\d*$/);
    }
  });
});

describe('the scan', () => {
  it('finds no secret outside the places it is allowed', () => {
    const all = [...secrets.values()];
    const count = (kind: SecretKind) => all.filter((secret) => secret.kind === kind).length;
    // The scan looked for something: every kind of secret came into existence in the steps above.
    expect(count('session')).toBeGreaterThan(50);
    expect(count('session (inner secret)')).toBe(count('session'));
    expect(count('jwt')).toBeGreaterThan(40);
    expect(count('oauth token')).toBeGreaterThanOrEqual(2);
    expect(count('oauth token (inner secret)')).toBe(count('oauth token'));
    expect(all.filter((s) => s.kind === 'jwt' && !s.mintedBy)).toEqual([]);
    expect(exchanges.length).toBeGreaterThan(300);
    expect(logs.length).toBeGreaterThan(300);
    const allowed = { count: 0 };
    expect(findLeaks(exchanges, logs, all, allowed)).toEqual([]);
    // …and it did see them where they belong: each session's own Set-Cookie, each JWT to its owner.
    expect(allowed.count).toBeGreaterThan(count('session') + count('jwt') / 2);
  });

  it('is fail-able: it finds a planted secret in every place it looks', () => {
    const session = Buffer.from(
      JSON.stringify({ id: 'u1', secret: randomBytes(128).toString('hex') }),
    ).toString('base64');
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSJ9.${randomBytes(32).toString('base64url')}`;
    const planted: Secret[] = [
      { kind: 'session', value: session },
      { kind: 'jwt', value: jwt, mintedBy: session },
      { kind: 'api key', value: WORKER_KEY },
    ];
    const exchange = (over: Partial<Exchange>): Exchange => ({
      app: 't',
      method: 'GET',
      path: '/me',
      session: undefined,
      status: 200,
      headers: [],
      setCookies: [],
      body: '{}',
      ...over,
    });
    const cookie = `${COOKIE}=${encodeURIComponent(session)}; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax`;
    const allowed = [
      exchange({ method: 'POST', path: '/auth/login', setCookies: [cookie] }),
      exchange({ method: 'POST', path: '/auth/jwt', session, body: JSON.stringify({ jwt }) }),
      exchange({ method: 'POST', path: '/auth/jwt', session, body: `<textarea>${jwt}</textarea>` }),
    ];
    expect(findLeaks(allowed, ['POST "/auth/login" → 200 headers={"cookie":"[redacted]"}'], planted)).toEqual(
      [],
    );

    const leaking: [string, Exchange[], string[]][] = [
      ['a session in an error body', [exchange({ status: 401, body: `{"message":"bad ${session}"}` })], []],
      ['a JWT in a Location', [exchange({ status: 302, headers: [['location', `/?jwt=${jwt}`]] })], []],
      ['the key in a log line', [], [`GET "/" headers={"x":"${WORKER_KEY}"}`]],
      ['a truncated key in a log line', [], [`x=${WORKER_KEY.slice(0, 60)}`]],
      ['the start of a session in a log line', [], [`x=${session.slice(0, 150)}`]],
      ['the end of a session in a log line', [], [`x=${session.slice(-100)}`]],
      ['the middle of a JWT signature', [], [`x=${jwt.slice(-40, -2)}`]],
      [
        'a session handed out twice',
        [
          exchange({ method: 'POST', path: '/auth/login', setCookies: [cookie] }),
          exchange({ method: 'POST', path: '/auth/login', setCookies: [cookie] }),
        ],
        [],
      ],
      ['a session cookie set by /me', [exchange({ setCookies: [cookie] })], []],
      [
        "a JWT to another session's /auth/jwt",
        [
          exchange({
            method: 'POST',
            path: '/auth/jwt',
            session: `${session}x`,
            body: JSON.stringify({ jwt }),
          }),
        ],
        [],
      ],
      ['a JWT in a GET body', [exchange({ body: JSON.stringify({ jwt }) })], []],
      [
        'a URL-encoded session in a header',
        [exchange({ headers: [['x-debug', encodeURIComponent(session)]] })],
        [],
      ],
    ];
    for (const [name, exchangesWithLeak, logLines] of leaking) {
      expect(findLeaks(exchangesWithLeak, logLines, planted), name).not.toEqual([]);
    }
  });
});
