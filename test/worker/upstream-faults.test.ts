// The worker against a misbehaving Appwrite (issue 6 §2, fault injection): on every route that calls
// Appwrite, each fault becomes the mapped Appwrite-shaped 502/503/504 within the configured deadline,
// no session cookie is set or cleared, nothing is left as an unhandled rejection, and the same app
// serves the route again once Appwrite is healthy. Over both HTTP layers under node-appwrite.
import { randomBytes } from 'node:crypto';
import type { Transport } from 'hono-appwrite';
import { poolTransport } from 'hono-appwrite/node';
import { afterAll, beforeAll, describe, type ExpectStatic, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { errorMessage } from '../../src/pages/messages.ts';
import {
  type Fault,
  type FaultyUpstream,
  startFaultyUpstream,
  UPSTREAM_MARKER,
  UPSTREAM_SESSION_SECRET,
} from '../support/faulty-upstream.ts';

const TIMEOUT_MS = 300;
// undici's timers are coarse: a deadline can fire up to ~1 s late.
const DEADLINE_MS = TIMEOUT_MS + 1_500;
const ORIGIN = 'http://127.0.0.1';
const COOKIE = 'a_session_demo';
const STATE_COOKIE = `__Host-${COOKIE}_oauth`;
const FLASH_COOKIE = `${COOKIE}_email`;
/** The session secret the browser already holds (routes that act as the signed-in user). */
const BROWSER_SECRET = 'browser-session-secret-of-user-a';
/** The OAuth state of this browser: 32 random bytes, base64url (43 characters). */
const STATE = randomBytes(32).toString('base64url');
// A stack frame (`at fn (file.ts:1:2)`) or a path into the code: never in an answer.
const STACK = /\bat \S+ \(|\.(?:ts|tsx|js|mjs):\d+|node_modules/;

type App = ReturnType<typeof createApp>;
type Expected = { status: 502 | 503 | 504; type: string };

/** Each fault and the answer README documents for it (errors.ts `fromUpstream`). */
const FAULTS: ReadonlyArray<{ fault: Fault } & Expected> = [
  { fault: 'refused', status: 502, type: 'upstream_unavailable' },
  { fault: 'drop', status: 502, type: 'upstream_unavailable' },
  { fault: 'hang', status: 504, type: 'upstream_timeout' },
  { fault: 'stall', status: 504, type: 'upstream_timeout' },
  { fault: 'reset', status: 502, type: 'upstream_unavailable' },
  { fault: 'truncated', status: 502, type: 'upstream_invalid_response' },
  { fault: 'non-json-200', status: 502, type: 'upstream_invalid_response' },
  { fault: 'html-502', status: 502, type: 'upstream_invalid_response' },
  { fault: 'json-500', status: 502, type: 'general_unknown' },
  { fault: 'json-503', status: 503, type: 'general_service_disabled' },
];

// Both HTTP layers under node-appwrite: its own undici fetch, and the pooled transport Node uses.
const TRANSPORTS: ReadonlyArray<{
  name: string;
  make: () => (Transport & { close?(): Promise<void> }) | undefined;
}> = [
  { name: 'fetch', make: () => undefined },
  { name: 'pool', make: () => poolTransport({ connections: 4 }) },
];

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const withSession = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), cookie: `${COOKIE}=${BROWSER_SECRET}` },
});
const bearer: RequestInit = { headers: { authorization: 'Bearer a.b.c' } };
const callbackPath = `/auth/oauth/callback?state=${STATE}&userId=user-a&secret=${'0a'.repeat(32)}`;
const stateCookie: RequestInit = { headers: { cookie: `${STATE_COOKIE}=${STATE}` } };

/** `name=value` of each Set-Cookie, and whether it deletes the cookie. */
const cookiesOf = (response: Response) =>
  response.headers.getSetCookie().map((header) => {
    const [pair = ''] = header.split(';');
    const at = pair.indexOf('=');
    return {
      name: pair.slice(0, at),
      value: pair.slice(at + 1),
      deleted: /;\s*max-age=0\b/i.test(header) || pair.slice(at + 1) === '',
    };
  });

const sessionCookieSet = (expect: ExpectStatic, response: Response) => {
  const cookie = cookiesOf(response).find(({ name }) => name === COOKIE);
  expect(cookie).toMatchObject({ value: UPSTREAM_SESSION_SECRET, deleted: false });
};

interface Route {
  name: string;
  path: string;
  init?: RequestInit;
  env?: Record<string, string>;
  /** Fault only the Appwrite calls matching this (`METHOD /v1/path`); the others succeed. */
  only?: RegExp;
  /** Failures are an HTML page with the mapped status (the home page), not JSON. */
  page?: boolean;
  /** Cookies the route changes whatever Appwrite does (the callback's single-use state cookie). */
  alwaysChanges?: string[];
  /** Cookies the route deletes when a fault hits past its point of no return (an ended session's). */
  clearsOnFault?: string[];
  /** Asserts the answer with Appwrite healthy. */
  healthy: (expect: ExpectStatic, response: Response) => Promise<void>;
  /** Faults this route answers differently from {@link FAULTS}, by design. */
  differs?: Partial<Record<Fault, Expected>>;
}

/** node-appwrite's `redirect()` reads only the status of a non-redirect: any 2xx is not a redirect. */
const NOT_A_REDIRECT: Expected = { status: 502, type: 'upstream_invalid_response' };

/** Every route that calls Appwrite, as an API client calls it (JSON, no `Accept: text/html`). */
const ROUTES: Route[] = [
  {
    name: 'POST /auth/signup',
    path: '/auth/signup',
    init: json({ email: 'user-a@example.com', password: 'password-a', name: 'A' }),
    healthy: async (expect, response) => {
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ user: { $id: 'user-a' }, session: { secret: '' } });
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/signup (account created, its session fails)',
    path: '/auth/signup',
    init: json({ email: 'user-a@example.com', password: 'password-a' }),
    only: /^POST \/v1\/account\/sessions\/email$/,
    healthy: async (expect, response) => {
      expect(response.status).toBe(201);
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/login',
    path: '/auth/login',
    init: json({ email: 'user-a@example.com', password: 'password-a' }),
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ session: { userId: 'user-a', secret: '' } });
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/anonymous',
    path: '/auth/anonymous',
    init: json({}),
    healthy: async (expect, response) => {
      expect(response.status).toBe(201);
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/upgrade',
    path: '/auth/upgrade',
    init: withSession(json({ email: 'user-a@example.com', password: 'password-a' })),
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ user: { $id: 'user-a', email: 'user-a@example.com' } });
      // A fresh session replaces the guest's, which may have been planted.
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/upgrade (email set, ending the guest session fails)',
    path: '/auth/upgrade',
    init: withSession(json({ email: 'user-a@example.com', password: 'password-a' })),
    only: /^DELETE \/v1\/account\/sessions\/current$/,
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/upgrade (guest session ended, the new session fails)',
    path: '/auth/upgrade',
    init: withSession(json({ email: 'user-a@example.com', password: 'password-a' })),
    only: /^POST \/v1\/account\/sessions\/email$/,
    clearsOnFault: [COOKIE],
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'POST /auth/upgrade (guest read, the email update fails)',
    path: '/auth/upgrade',
    init: withSession(json({ email: 'user-a@example.com', password: 'password-a' })),
    only: /^PATCH \/v1\/account\/email$/,
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
    },
  },
  {
    name: 'POST /auth/logout',
    path: '/auth/logout',
    init: withSession({ method: 'POST' }),
    healthy: async (expect, response) => {
      expect(response.status).toBe(204);
      expect(cookiesOf(response)).toMatchObject([{ name: COOKIE, deleted: true }]);
    },
  },
  {
    name: 'POST /auth/jwt',
    path: '/auth/jwt',
    init: withSession({ method: 'POST' }),
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      const body = (await response.json()) as { jwt: string; expire: string };
      expect(body.jwt.split('.')).toHaveLength(3);
      expect(Date.parse(body.expire)).toBeGreaterThan(Date.now());
      expect(cookiesOf(response)).toEqual([]);
    },
  },
  {
    name: 'GET /auth/oauth/github',
    path: '/auth/oauth/github',
    env: { OAUTH_PROVIDERS: 'github' },
    healthy: async (expect, response) => {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
      expect(cookiesOf(response)).toMatchObject([{ name: STATE_COOKIE, deleted: false }]);
    },
    differs: {
      // The answer has a 200 status line, not a 301/302: not Appwrite's answer, whatever follows.
      stall: NOT_A_REDIRECT,
      reset: NOT_A_REDIRECT,
      truncated: NOT_A_REDIRECT,
      'non-json-200': NOT_A_REDIRECT,
    },
  },
  {
    name: 'GET /auth/oauth/callback',
    path: callbackPath,
    init: stateCookie,
    env: { OAUTH_PROVIDERS: 'github' },
    alwaysChanges: [STATE_COOKIE],
    healthy: async (expect, response) => {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/');
      sessionCookieSet(expect, response);
    },
  },
  {
    name: 'GET /me (Bearer JWT)',
    path: '/me',
    init: bearer,
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ $id: 'user-a' });
    },
  },
  {
    name: 'GET /me (session cookie)',
    path: '/me',
    init: withSession(),
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ $id: 'user-a' });
      expect(cookiesOf(response)).toEqual([]);
    },
  },
  {
    name: 'GET /tables/:db/:table/rows',
    path: `/tables/db/table/rows?queries[]=${encodeURIComponent('{"method":"limit","values":[5]}')}`,
    init: bearer,
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ total: 0, rows: [] });
    },
  },
  {
    name: 'GET / (home page, session cookie)',
    path: '/',
    init: withSession({ headers: { accept: 'text/html' } }),
    env: { HOME_TABLE: 'db/table' },
    page: true,
    healthy: async (expect, response) => {
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('user-a');
      expect(html).toContain('Your rows');
      expect(cookiesOf(response)).toEqual([]);
    },
  },
];

const appFor = (
  upstream: FaultyUpstream,
  transport: Transport | undefined,
  env: Record<string, string> = {},
) =>
  createApp(
    parseConfig({
      APPWRITE_ENDPOINT: upstream.endpoint,
      APPWRITE_PROJECT_ID: 'demo',
      APPWRITE_API_KEY: 'demo-api-key',
      APPWRITE_TIMEOUT_MS: String(TIMEOUT_MS),
      RATE_LIMIT_STORE: 'off',
      ...env,
    }),
    transport ? { transport } : {},
  );

const send = (app: App, path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);

/**
 * An app that has already talked to the healthy upstream (`GET /me`, which no cache answers), so the
 * fault meets a kept-alive connection, as it would in production, rather than a fresh one.
 */
const warmedApp = async (
  expect: ExpectStatic,
  upstream: FaultyUpstream,
  transport: Transport | undefined,
  env?: Record<string, string>,
) => {
  const app = appFor(upstream, transport, env);
  expect((await send(app, '/me', bearer)).status).toBe(200);
  return app;
};

/** Sends, checking the answer came within the deadline; returns it with its body read. */
const timed = async (expect: ExpectStatic, app: App, path: string, init?: RequestInit) => {
  const started = performance.now();
  const response = await send(app, path, init);
  const text = await response.text();
  expect(performance.now() - started).toBeLessThan(DEADLINE_MS);
  return { response, text };
};

/** Nothing of the upstream's body, no stack trace. */
const clean = (expect: ExpectStatic, text: string) => {
  expect(text).not.toContain(UPSTREAM_MARKER);
  expect(text).not.toMatch(STACK);
};

// Every unhandled rejection or uncaught exception while this file runs; asserted empty at the end.
const strays: unknown[] = [];
const onStray = (error: unknown) => {
  strays.push(error);
};
// What the app logs (each 5xx is logged): kept, checked for leaks at the end, not printed.
const logged: string[] = [];
const keep = (...args: unknown[]) => {
  logged.push(args.map(String).join(' '));
};
beforeAll(() => {
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  vi.spyOn(console, 'error').mockImplementation(keep);
  vi.spyOn(console, 'warn').mockImplementation(keep);
});
afterAll(() => {
  process.off('unhandledRejection', onStray);
  process.off('uncaughtException', onStray);
  vi.restoreAllMocks();
});

describe.each(TRANSPORTS)('over $name', ({ make }) => {
  const transport = make();
  afterAll(async () => {
    await transport?.close?.();
  });

  describe.concurrent('API clients: the mapped error, then served again', () => {
    for (const route of ROUTES) {
      for (const { fault, ...documented } of FAULTS) {
        if (route.only && fault === 'refused') continue; // a refused port refuses every call
        const expected = route.differs?.[fault] ?? documented;
        const name = `${route.name} × ${fault} → ${expected.status} ${expected.type}`;
        it(name, async ({ expect }) => {
          const upstream = await startFaultyUpstream();
          try {
            const app = await warmedApp(expect, upstream, transport, route.env);
            await upstream.set(fault, { only: route.only });
            const { response, text } = await timed(expect, app, route.path, route.init);
            expect(response.status, text).toBe(expected.status);
            clean(expect, text);
            if (route.page) {
              expect(response.headers.get('content-type')).toMatch(/^text\/html/);
              expect(text).toContain(`<code>${expected.type}</code>`);
            } else {
              const body = JSON.parse(text) as Record<string, unknown>;
              expect(Object.keys(body).sort()).toEqual(['code', 'message', 'type']);
              expect(body).toMatchObject({ code: expected.status, type: expected.type });
              expect(body.message).toEqual(expect.any(String));
            }
            // No cookie set or cleared (the session cookie least of all).
            const changed = cookiesOf(response).filter(({ name }) => !route.alwaysChanges?.includes(name));
            expect(changed).toEqual(
              (route.clearsOnFault ?? []).map((name) => ({ name, value: '', deleted: true })),
            );

            await upstream.set('healthy');
            const again = await send(app, route.path, route.init);
            await route.healthy(expect, again);
          } finally {
            await upstream.close();
          }
        });
      }
    }
  });

  describe.concurrent('the home page when only the rows read fails: the page, with the error', () => {
    for (const { fault, ...expected } of FAULTS) {
      if (fault === 'refused') continue;
      it(`GET / × rows ${fault} → 200 page showing ${expected.type}`, async ({ expect }) => {
        const upstream = await startFaultyUpstream();
        try {
          const app = await warmedApp(expect, upstream, transport, { HOME_TABLE: 'db/table' });
          await upstream.set(fault, { only: /\/rows$/ });
          const init = withSession({ headers: { accept: 'text/html' } });
          const { response, text } = await timed(expect, app, '/', init);
          expect(response.status, text).toBe(200);
          expect(text).toContain('user-a');
          expect(text).toContain(`Could not read the table: ${errorMessage(expected.type)}`);
          clean(expect, text);
          expect(cookiesOf(response)).toEqual([]);
          await upstream.set('healthy');
          const again = await send(app, '/', init);
          expect(again.status).toBe(200);
          const html = await again.text();
          expect(html).toContain('Appwrite lets you read no rows of this table.');
          expect(html).not.toContain('Could not read the table');
        } finally {
          await upstream.close();
        }
      });
    }
  });

  // Browsers: a failed form post is sent back (303) to its page with `?error=<type>`.
  const FORM_FAULTS = FAULTS.filter(({ fault }) =>
    ['refused', 'hang', 'truncated', 'json-503'].includes(fault),
  );
  /** A sign-in form post with Appwrite healthy: 303 to `/` with the session cookie. */
  const landsSignedInHome = (expect: ExpectStatic, response: Response) => {
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    sessionCookieSet(expect, response);
  };
  const FORMS: {
    path: string;
    fields: Record<string, string>;
    session?: boolean;
    back: string;
    /** Asserts the answer with Appwrite healthy. */
    recovered: (expect: ExpectStatic, response: Response) => void;
  }[] = [
    {
      path: '/auth/signup',
      fields: { email: 'user-a@example.com', password: 'password-a' },
      back: '/signup',
      recovered: landsSignedInHome,
    },
    {
      path: '/auth/login',
      fields: { email: 'user-a@example.com', password: 'password-a' },
      back: '/login',
      recovered: landsSignedInHome,
    },
    {
      path: '/auth/anonymous',
      fields: {},
      back: '/login',
      recovered: (expect, response) => {
        expect(response.status).toBe(303);
        sessionCookieSet(expect, response);
      },
    },
    {
      path: '/auth/upgrade',
      fields: { email: 'user-a@example.com', password: 'password-a' },
      session: true,
      back: '/',
      recovered: landsSignedInHome,
    },
    {
      path: '/auth/logout',
      fields: {},
      session: true,
      back: '/login',
      recovered: (expect, response) => {
        expect(response.status).toBe(303);
        expect(cookiesOf(response)).toMatchObject([{ name: COOKIE, deleted: true }]);
      },
    },
    {
      path: '/auth/jwt',
      fields: {},
      session: true,
      back: '/login',
      recovered: (expect, response) => {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      },
    },
  ];

  describe.concurrent('form posts: 303 back to the page with ?error=<type>', () => {
    for (const form of FORMS) {
      for (const { fault, ...expected } of FORM_FAULTS) {
        it(`POST ${form.path} (form post) × ${fault} → 303 ${form.back}?error=${expected.type}`, async ({
          expect,
        }) => {
          const upstream = await startFaultyUpstream();
          try {
            const app = await warmedApp(expect, upstream, transport);
            const headers: Record<string, string> = {
              'content-type': 'application/x-www-form-urlencoded',
              origin: ORIGIN,
              accept: 'text/html',
            };
            if (form.session) headers.cookie = `${COOKIE}=${BROWSER_SECRET}`;
            const init = { method: 'POST', headers, body: new URLSearchParams(form.fields).toString() };
            await upstream.set(fault);
            const { response, text } = await timed(expect, app, form.path, init);
            expect(response.status).toBe(303);
            const location = new URL(response.headers.get('location') ?? '', ORIGIN);
            expect(location.pathname).toBe(form.back);
            expect(location.searchParams.get('error')).toBe(expected.type);
            clean(expect, text);
            // Only the one-minute flash cookie keeping the typed email; never the session cookie.
            expect(cookiesOf(response).filter(({ name }) => name !== FLASH_COOKIE)).toEqual([]);

            await upstream.set('healthy');
            form.recovered(expect, await send(app, form.path, init));
          } finally {
            await upstream.close();
          }
        });
      }
    }
  });

  // Browsers navigating the OAuth flow: a failure sends them to the login page with the error.
  const OAUTH_PAGES = [
    {
      name: 'GET /auth/oauth/github (browser)',
      path: '/auth/oauth/github',
      init: {} as RequestInit,
      alwaysChanges: [],
      recovered: (expect, response) => {
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toMatch(/^https:\/\/github\.com\//);
      },
    },
    {
      name: 'GET /auth/oauth/callback (browser)',
      path: callbackPath,
      init: stateCookie,
      alwaysChanges: [STATE_COOKIE],
      recovered: (expect, response) => {
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toBe('/');
        sessionCookieSet(expect, response);
      },
    },
  ] satisfies (Pick<Route, 'name' | 'path' | 'init' | 'alwaysChanges'> & {
    recovered: (expect: ExpectStatic, response: Response) => void;
  })[];
  describe.concurrent('OAuth in a browser: 302 to the login page with ?error=<type>', () => {
    for (const page of OAUTH_PAGES) {
      for (const { fault, ...expected } of FORM_FAULTS) {
        it(`${page.name} × ${fault} → 302 /login?error=${expected.type}`, async ({ expect }) => {
          const upstream = await startFaultyUpstream();
          try {
            const app = await warmedApp(expect, upstream, transport, { OAUTH_PROVIDERS: 'github' });
            const headers = { ...(page.init.headers as Record<string, string>), accept: 'text/html' };
            await upstream.set(fault);
            const { response, text } = await timed(expect, app, page.path, { headers });
            clean(expect, text);
            const changed = cookiesOf(response).filter(({ name }) => !page.alwaysChanges.includes(name));
            expect(changed).toEqual([]);
            expect(response.status, text).toBe(302);
            const location = new URL(response.headers.get('location') ?? '', ORIGIN);
            expect(location.pathname).toBe('/login');
            expect(location.searchParams.get('error')).toBe(expected.type);

            await upstream.set('healthy');
            page.recovered(expect, await send(app, page.path, { headers }));
          } finally {
            await upstream.close();
          }
        });
      }
    }
  });
});

describe('the process', () => {
  it('saw no unhandled rejection or uncaught exception', async ({ expect }) => {
    // Late timers of aborted requests (undici's coarse timeouts) get time to fire.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(strays).toEqual([]);
  });

  it("logged every failure without the upstream's body or a secret", ({ expect }) => {
    for (const secret of [
      UPSTREAM_MARKER,
      BROWSER_SECRET,
      UPSTREAM_SESSION_SECRET,
      'demo-api-key',
      'password-a',
    ]) {
      expect(logged.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
