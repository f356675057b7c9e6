// Attacks on the session and its redirects, through the whole app (createApp) against the in-process
// emulator: `next` values that normalise into another origin, cookies planted twice by a sibling
// site, `__Host-` cookie names, session fixation through the guest upgrade, logouts racing cache
// fills, cached identities outliving their JWT, headerless form posts, attacker text on the failure
// page, a stranger's link ending another flow, and the Referer in the debug log.

import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import fc from 'fast-check';
import { fetchTransport, type Transport } from 'hono-appwrite';
import { Account, Client } from 'node-appwrite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTargets } from '../../packages/hono-appwrite/test/support/next-targets.ts';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { API_KEY, PROJECT, ROOMY_RATE_LIMITS } from '../support/demo.ts';
import { consent } from '../support/oauth-consent.ts';
import { parseSetCookies } from '../support/scenario.ts';

// A platform the emulator accepts for OAuth return URLs.
const ORIGIN = 'http://127.0.0.1:8787';
const FRONT = 'https://front.example';
const COOKIE = `a_session_${PROJECT}`;
const STATE = `__Host-${COOKIE}_oauth`;

type App = ReturnType<typeof createApp>;

let emulator: AppwriteEmulator;
beforeAll(async () => {
  // Appwrite's own limits off: the properties start hundreds of OAuth flows from one address.
  emulator = await startAppwriteEmulator({ rateLimits: false });
});
beforeEach(async () => {
  await emulator.reset();
});
afterAll(async () => {
  await emulator?.stop();
});

const appWith = (env: Record<string, string> = {}, options: Parameters<typeof createApp>[1] = {}): App =>
  createApp(
    parseConfig({
      APPWRITE_ENDPOINT: emulator.endpoint,
      APPWRITE_PROJECT_ID: PROJECT,
      APPWRITE_API_KEY: API_KEY,
      OAUTH_PROVIDERS: 'github',
      ALLOWED_ORIGINS: FRONT,
      ...ROOMY_RATE_LIMITS,
      ...env,
    }),
    options,
  );

const request = (app: App, path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);

const postJson = (app: App, path: string, body: unknown, cookie?: string) =>
  request(app, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

/** A browser's same-origin form post. */
const postForm = (app: App, path: string, fields: Record<string, string>, cookie?: string) =>
  request(app, path, {
    method: 'POST',
    headers: {
      origin: ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

const setCookie = (response: Response, name: string) =>
  parseSetCookies(response).find((c) => c.name === name);

/** The `Cookie` header for the session cookie a response set. */
const sessionCookieOf = (response: Response, name = COOKIE): string => {
  const cookie = setCookie(response, name);
  if (!cookie?.value) throw new Error(`no ${name} cookie set (status ${response.status})`);
  return `${name}=${encodeURIComponent(cookie.value)}`;
};

const signIn = async (app: App, letter: 'a' | 'b'): Promise<string> => {
  const response = await postJson(app, '/auth/login', {
    email: `user-${letter}@example.com`,
    password: `password-${letter}`,
  });
  expect(response.status).toBe(200);
  return sessionCookieOf(response);
};

const userOf = async (response: Response) => (await response.json()) as { $id: string; email: string };
const typeOf = async (response: Response) => ((await response.json()) as { type: string }).type;

/** Asserts a `Location` a browser resolves, from our origin, to our origin or the allow-listed one. */
const expectTrustedLocation = (response: Response, what: string) => {
  const location = response.headers.get('location');
  if (location === null) return;
  expect(location.startsWith('//'), `${what}: ${location}`).toBe(false);
  expect(location.startsWith('/\\'), `${what}: ${location}`).toBe(false);
  const resolved = new URL(location, `${ORIGIN}/auth/x/y`);
  expect([ORIGIN, FRONT], `${what}: ${location}`).toContain(resolved.origin);
  expect(resolved.username + resolved.password, `${what}: ${location}`).toBe('');
};

describe('`next` targets that normalise into another origin', () => {
  it.each([
    '/..//evil.example',
    '/.//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example',
    '/a/..//evil.example/x',
  ])('a form login with next=%s is sent back to the login page, never to //evil.example', async (next) => {
    const app = appWith();
    const response = await postForm(app, '/auth/login', {
      email: 'user-a@example.com',
      password: 'password-a',
      next,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?error=general_argument_invalid');
    expect(setCookie(response, COOKIE)).toBeUndefined();
  });

  it('every route taking `next` only ever redirects to a trusted origin (generated targets)', async () => {
    const app = appWith();
    const session = await signIn(app, 'a');
    await fc.assert(
      fc.asyncProperty(nextTargets, async (next) => {
        const query = `next=${encodeURIComponent(next)}`;
        // The pages' hidden fields and links carry `next` on: each must be trusted too.
        const page = await (await request(app, `/login?${query}`)).text();
        for (const match of page.matchAll(/(?:name="next" value|href)="([^"]*)"/g)) {
          const value = (match[1] ?? '').replaceAll('&amp;', '&');
          const carried =
            value.startsWith('/auth/oauth/') || value.startsWith('/signup')
              ? new URL(value, ORIGIN).searchParams.get('next')
              : value;
          if (carried) expectTrustedLocation(new Response(null, { headers: { location: carried } }), 'page');
        }
        // Form posts: a failed one goes back with `next`; a successful one follows it.
        const failed = await postForm(app, '/auth/login', {
          email: 'user-a@example.com',
          password: 'wrong-password',
          next,
        });
        expect(failed.status).toBe(303);
        const back = new URL(failed.headers.get('location') ?? '', ORIGIN).searchParams.get('next');
        if (back) expectTrustedLocation(new Response(null, { headers: { location: back } }), 'failed login');
        expectTrustedLocation(failed, 'failed login');
        expectTrustedLocation(await postForm(app, '/auth/logout', { next }), 'logout without a session');
        expectTrustedLocation(await postForm(app, '/auth/jwt', { next }, session), 'jwt');
        // The OAuth start puts `next` into the success URL it hands to Appwrite.
        const start = await request(app, `/auth/oauth/github?${query}`);
        if (start.status === 302) {
          // The emulator's provider URL carries Appwrite's state: {success, failure, token}.
          const appwriteState =
            new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '{}';
          const success = new URL((JSON.parse(appwriteState) as { success: string }).success);
          const carried = success.searchParams.get('next');
          expect(carried).not.toBeNull();
          expectTrustedLocation(new Response(null, { headers: { location: carried ?? '' } }), 'oauth start');
        } else {
          expect(start.status).toBe(400);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a successful form sign-in follows a generated `next` only to a trusted origin', async () => {
    const app = appWith();
    await fc.assert(
      fc.asyncProperty(nextTargets, async (next) => {
        const response = await postForm(app, '/auth/anonymous', { next });
        expect(response.status).toBe(303);
        expectTrustedLocation(response, 'guest sign-in');
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe('a session cookie planted twice (cookie tossing)', () => {
  it('/me answers 401 user_session_invalid as neither user, and clears the cookie', async () => {
    const app = appWith();
    const victim = await signIn(app, 'a');
    const attacker = await signIn(app, 'b');
    for (const cookie of [
      `${attacker}; ${victim}`,
      `${victim}; ${attacker}`,
      `theme=1; ${attacker}; x=2; ${victim}`,
    ]) {
      const response = await request(app, '/me', { headers: { cookie } });
      expect(response.status).toBe(401);
      expect(await typeOf(response)).toBe('user_session_invalid');
      const cleared = setCookie(response, COOKIE);
      expect(cleared?.value).toBe('');
      expect(cleared?.attributes['max-age']).toBe('0');
    }
    // Each alone is still its own user.
    expect((await userOf(await request(app, '/me', { headers: { cookie: victim } }))).$id).toBe('user-a');
  });

  it('/auth/logout deletes neither session', async () => {
    const app = appWith();
    const victim = await signIn(app, 'a');
    const attacker = await signIn(app, 'b');
    const logout = await postJson(app, '/auth/logout', {}, `${attacker}; ${victim}`);
    expect(logout.status).toBe(401);
    expect(await typeOf(logout)).toBe('user_session_invalid');
    expect((await request(app, '/me', { headers: { cookie: victim } })).status).toBe(200);
    expect((await request(app, '/me', { headers: { cookie: attacker } })).status).toBe(200);
  });

  it('the home page shows the signed-out page and clears the cookie', async () => {
    const app = appWith();
    const response = await request(app, '/', {
      headers: { cookie: `${await signIn(app, 'b')}; ${await signIn(app, 'a')}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/user-[ab]@example\.com/);
    expect(setCookie(response, COOKIE)?.value).toBe('');
  });

  it('two state cookies on the OAuth callback: the state error, no session, the state cookie cleared', async () => {
    const app = appWith();
    const start = await request(app, '/auth/oauth/github?next=/me');
    const state = setCookie(start, STATE)?.value ?? '';
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { location } = await consent(start.headers.get('location') ?? '', {
      email: 'oauth-tossed@example.com',
      decision: 'allow',
    });
    const callback = new URL(location);
    const planted = 'A'.repeat(43);
    for (const cookie of [`${STATE}=${planted}; ${STATE}=${state}`, `${STATE}=${state}; ${STATE}=${state}`]) {
      const response = await request(app, `${callback.pathname}${callback.search}`, { headers: { cookie } });
      expect(response.status).toBe(403);
      expect(await typeOf(response)).toBe('user_oauth2_state_invalid');
      expect(setCookie(response, COOKIE)).toBeUndefined();
      expect(setCookie(response, STATE)?.attributes['max-age']).toBe('0');
    }
  });
});

describe('a __Host- session cookie name', () => {
  const HOST_COOKIE = '__Host-a_session_demo';

  it('works end to end: OAuth start and callback, /me, logout', async () => {
    const app = appWith({ SESSION_COOKIE_NAME: HOST_COOKIE });
    const start = await request(app, '/auth/oauth/github?next=/me');
    expect(start.status).toBe(302);
    const state = setCookie(start, STATE);
    expect(state?.attributes).toMatchObject({ path: '/', samesite: 'Lax', 'max-age': '600' });
    expect(state?.attributes).not.toHaveProperty('domain');
    const { location } = await consent(start.headers.get('location') ?? '', {
      email: 'host-prefix@example.com',
      decision: 'allow',
    });
    const callback = new URL(location);
    const landed = await request(app, `${callback.pathname}${callback.search}`, {
      headers: { cookie: `${STATE}=${state?.value}` },
    });
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe('/me');
    const session = setCookie(landed, HOST_COOKIE);
    expect(session?.attributes).toMatchObject({ path: '/' });
    expect(session?.attributes).toHaveProperty('secure');
    expect(session?.attributes).not.toHaveProperty('domain');
    const cookie = sessionCookieOf(landed, HOST_COOKIE);
    expect((await userOf(await request(app, '/me', { headers: { cookie } }))).email).toBe(
      'host-prefix@example.com',
    );
    const logout = await postJson(app, '/auth/logout', {}, cookie);
    expect(logout.status).toBe(204);
    expect(setCookie(logout, HOST_COOKIE)?.value).toBe('');
    expect((await request(app, '/me', { headers: { cookie } })).status).toBe(401);
  });

  it('works for an email/password form sign-in, a failed one (email kept) and the JWT page', async () => {
    const app = appWith({ SESSION_COOKIE_NAME: HOST_COOKIE });
    const failed = await postForm(app, '/auth/login', {
      email: 'user-a@example.com',
      password: 'wrong-password',
    });
    expect(failed.status).toBe(303);
    expect(setCookie(failed, `${HOST_COOKIE}_email`)?.value).toBe('user-a@example.com');
    const login = await postForm(app, '/auth/login', { email: 'user-a@example.com', password: 'password-a' });
    expect(login.status).toBe(303);
    const jwt = await postForm(app, '/auth/jwt', {}, sessionCookieOf(login, HOST_COOKIE));
    expect(jwt.status).toBe(200);
  });
});

describe('upgrading a guest (session fixation)', () => {
  it('gives the account a fresh session and ends the guest one, even in the identity cache', async () => {
    const app = appWith({ IDENTITY_CACHE_TTL_SECONDS: '60' });
    const guest = sessionCookieOf(await postJson(app, '/auth/anonymous', {}));
    // The guest is cached under the guest cookie, as whoever planted it would see.
    expect((await userOf(await request(app, '/me', { headers: { cookie: guest } }))).email).toBe('');
    const upgrade = await postJson(
      app,
      '/auth/upgrade',
      { email: 'upgraded@example.com', password: 'password-up' },
      guest,
    );
    expect(upgrade.status).toBe(200);
    const body = (await upgrade.json()) as { user: { email: string }; session: { secret: string } };
    expect(body.user.email).toBe('upgraded@example.com');
    expect(body.session.secret).toBe('');
    const fresh = sessionCookieOf(upgrade);
    expect(fresh).not.toBe(guest);

    const old = await request(app, '/me', { headers: { cookie: guest } });
    expect(old.status).toBe(401);
    expect((await userOf(await request(app, '/me', { headers: { cookie: fresh } }))).email).toBe(
      'upgraded@example.com',
    );
    // Nor can the old cookie mint a JWT.
    expect((await postJson(app, '/auth/jwt', {}, guest)).status).toBe(401);
  });

  it('as a form post: 303 to next with the fresh cookie', async () => {
    const app = appWith();
    const guest = sessionCookieOf(await postJson(app, '/auth/anonymous', {}));
    const upgrade = await postForm(
      app,
      '/auth/upgrade',
      { email: 'upgraded-form@example.com', password: 'password-up', next: '/me' },
      guest,
    );
    expect(upgrade.status).toBe(303);
    expect(upgrade.headers.get('location')).toBe('/me');
    const fresh = sessionCookieOf(upgrade);
    expect(fresh).not.toBe(guest);
    expect((await request(app, '/me', { headers: { cookie: guest } })).status).toBe(401);
    expect((await request(app, '/me', { headers: { cookie: fresh } })).status).toBe(200);
  });
});

/**
 * node-appwrite's fetch, except that the answer to the next request matching `path` is held after
 * Appwrite gave it, until the test releases it: a request "in flight" at a moment the test chooses.
 */
const holdingTransport = () => {
  let armed: { method: string; path: string } | undefined;
  let held: (() => void) | undefined;
  let onHeld: (() => void) | undefined;
  const transport: Transport = async (url, init) => {
    const response = await fetchTransport(url, init);
    if (!armed || init.method !== armed.method || !new URL(url).pathname.endsWith(armed.path))
      return response;
    armed = undefined;
    const text = await response.text();
    await new Promise<void>((resolve) => {
      held = resolve;
      onHeld?.();
    });
    return {
      status: response.status,
      headers: response.headers,
      text: async () => text,
      arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
    };
  };
  return {
    transport,
    /** Holds the next answer to `method path`; resolves once Appwrite has answered and it is held. */
    hold(method: string, path: string): Promise<void> {
      armed = { method, path };
      return new Promise((resolve) => {
        onHeld = resolve;
      });
    },
    release: () => held?.(),
  };
};

describe('a logout racing cache fills', () => {
  it('a /me answered before the logout but finished after it is not cached for the dead cookie', async () => {
    const upstream = holdingTransport();
    const app = appWith({ IDENTITY_CACHE_TTL_SECONDS: '60' }, { transport: upstream.transport });
    const cookie = await signIn(app, 'a');
    const held = upstream.hold('GET', '/account');
    const inFlight = request(app, '/me', { headers: { cookie } });
    await held;
    expect((await postJson(app, '/auth/logout', {}, cookie)).status).toBe(204);
    upstream.release();
    expect((await inFlight).status).toBe(200);
    const after = await request(app, '/me', { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it('a JWT minted before the logout but stored after it is not handed out again', async () => {
    const upstream = holdingTransport();
    const app = appWith({}, { transport: upstream.transport });
    const cookie = await signIn(app, 'a');
    const held = upstream.hold('POST', '/account/jwts');
    const inFlight = postJson(app, '/auth/jwt', {}, cookie);
    await held;
    expect((await postJson(app, '/auth/logout', {}, cookie)).status).toBe(204);
    upstream.release();
    const first = (await (await inFlight).json()) as { jwt: string };
    const again = await postJson(app, '/auth/jwt', {}, cookie);
    expect(again.status).toBe(401);
    expect(await again.text()).not.toContain(first.jwt);
  });
});

describe('the identity cache and JWT lifetimes', () => {
  it('answers /me for a 3-second JWT from the cache only until the JWT expires', async () => {
    let now = Date.now();
    const app = appWith({ IDENTITY_CACHE_TTL_SECONDS: '60' }, { now: () => now });
    const client = new Client().setEndpoint(emulator.endpoint).setProject(PROJECT);
    const admin = new Client().setEndpoint(emulator.endpoint).setProject(PROJECT).setKey(API_KEY);
    const session = await new Account(admin).createEmailPasswordSession({
      email: 'user-a@example.com',
      password: 'password-a',
    });
    client.setSession(session.secret);
    const { jwt } = await new Account(client).createJWT({ duration: 3 });
    const bearer = { headers: { authorization: `Bearer ${jwt}` } };
    expect((await request(app, '/me', bearer)).status).toBe(200);
    const calls = await upstreamRequests();
    expect((await request(app, '/me', bearer)).status).toBe(200);
    expect(await upstreamRequests()).toBe(calls); // from the cache
    // Three seconds later (for the app and for Appwrite): expired everywhere.
    now = Date.now() + 3_000;
    emulator.advanceClock(3);
    const expired = await request(app, '/me', bearer);
    expect(expired.status).toBe(401);
    expect(await upstreamRequests()).toBe(calls + 1);
  });
});

const upstreamRequests = async (): Promise<number> => {
  const response = await fetch(`${emulator.origin}/_emulator/stats`, {
    headers: { 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY },
  });
  return ((await response.json()) as { requests: number }).requests;
};

describe('form posts without Origin or Sec-Fetch-Site', () => {
  const formPost = (app: App, path: string, cookie: string, extra: Record<string, string> = {}) =>
    request(app, path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...extra },
      body: '',
    });

  it.each(['/auth/logout', '/auth/jwt'])(
    '%s refuses one without a Referer, and keeps the session',
    async (path) => {
      const app = appWith();
      const cookie = await signIn(app, 'a');
      const response = await formPost(app, path, cookie);
      expect(response.status).toBe(403);
      expect(await typeOf(response)).toBe('general_unknown_origin');
      expect((await request(app, '/me', { headers: { cookie } })).status).toBe(200);
    },
  );

  it.each(['/auth/logout', '/auth/jwt'])('%s refuses one with a foreign Referer', async (path) => {
    const app = appWith();
    const cookie = await signIn(app, 'a');
    const response = await formPost(app, path, cookie, { referer: 'https://evil.example/page' });
    expect(response.status).toBe(403);
  });

  it('accepts one with a same-origin Referer (an old browser on our own page)', async () => {
    const app = appWith();
    const cookie = await signIn(app, 'a');
    const response = await formPost(app, '/auth/logout', cookie, { referer: `${ORIGIN}/` });
    expect(response.status).toBe(303);
    expect((await request(app, '/me', { headers: { cookie } })).status).toBe(401);
  });

  it('still accepts a JSON post with none of the three (an API client holds no ambient cookie)', async () => {
    const app = appWith();
    const cookie = await signIn(app, 'a');
    expect((await postJson(app, '/auth/jwt', {}, cookie)).status).toBe(200);
  });
});

describe('form posts in every encoding a browser uses', () => {
  it.each([
    ['urlencoded with a charset', 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['multipart with a boundary', 'multipart/form-data; boundary=----formboundary'],
  ])('a %s login answers 303 to next, and a failed one 303 back to the login page', async (_, type) => {
    const app = appWith();
    const body = (password: string) => {
      const fields = { email: 'user-a@example.com', password, next: '/me' };
      if (type.startsWith('application/')) return new URLSearchParams(fields).toString();
      return `${Object.entries(fields)
        .map(
          ([name, value]) =>
            `------formboundary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        )
        .join('')}------formboundary--\r\n`;
    };
    const post = (password: string) =>
      request(app, '/auth/login', {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': type },
        body: body(password),
      });
    const ok = await post('password-a');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/me');
    const failed = await post('wrong-password');
    expect(failed.status).toBe(303);
    expect(failed.headers.get('location')).toBe('/login?error=user_invalid_credentials&next=%2Fme');
  });
});

describe('the OAuth failure page and other flows', () => {
  it('shows no attacker text: an unknown error type becomes the generic one', async () => {
    const app = appWith();
    const error = JSON.stringify({
      type: 'your_account_was_hacked_call_support',
      message: 'Call +1 555',
      code: 401,
    });
    const browser = await request(app, `/auth/oauth/failure?error=${encodeURIComponent(error)}`, {
      headers: { accept: 'text/html' },
    });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/login?error=user_oauth2_unauthorized');
    const page = await (await request(app, browser.headers.get('location') ?? '')).text();
    expect(page).not.toContain('hacked');
    expect(page).not.toContain('555');
    const api = await request(app, `/auth/oauth/failure?error=${encodeURIComponent(error)}`);
    expect(api.status).toBe(401);
    expect(await typeOf(api)).toBe('user_oauth2_unauthorized');
  });

  it('keeps a known failure type', async () => {
    const app = appWith();
    const error = JSON.stringify({ type: 'user_oauth2_provider_error', message: 'x', code: 401 });
    const browser = await request(app, `/auth/oauth/failure?error=${encodeURIComponent(error)}`, {
      headers: { accept: 'text/html' },
    });
    expect(browser.headers.get('location')).toBe('/login?error=user_oauth2_provider_error');
  });

  it("a stranger's link to /failure or /callback leaves the flow in progress alone", async () => {
    const app = appWith();
    const start = await request(app, '/auth/oauth/github?next=/me');
    const state = setCookie(start, STATE)?.value ?? '';
    const cookie = `${STATE}=${state}`;
    const html = { accept: 'text/html', cookie };
    for (const path of [
      '/auth/oauth/failure',
      `/auth/oauth/failure?state=${'B'.repeat(43)}`,
      '/auth/oauth/callback',
      `/auth/oauth/callback?state=${'B'.repeat(43)}&userId=user-b&secret=${'0'.repeat(64)}`,
    ]) {
      const response = await request(app, path, { headers: html });
      expect(response.status, path).toBe(302);
      expect(setCookie(response, STATE), path).toBeUndefined();
    }
    // The flow then completes.
    const { location } = await consent(start.headers.get('location') ?? '', {
      email: 'oauth-survivor@example.com',
      decision: 'allow',
    });
    const callback = new URL(location);
    const landed = await request(app, `${callback.pathname}${callback.search}`, { headers: { cookie } });
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe('/me');
    expect(setCookie(landed, STATE)?.attributes['max-age']).toBe('0');
  });

  it("the flow's own failure (Appwrite's redirect, with its state) ends it", async () => {
    const app = appWith();
    const start = await request(app, '/auth/oauth/github');
    const state = setCookie(start, STATE)?.value ?? '';
    const { location } = await consent(start.headers.get('location') ?? '', { decision: 'deny' });
    const failure = new URL(location);
    expect(failure.pathname).toBe('/auth/oauth/failure');
    expect(failure.searchParams.get('state')).toBe(state);
    const response = await request(app, `${failure.pathname}${failure.search}`, {
      headers: { accept: 'text/html', cookie: `${STATE}=${state}` },
    });
    expect(response.headers.get('location')).toBe('/login?error=user_oauth2_provider_error');
    expect(setCookie(response, STATE)?.attributes['max-age']).toBe('0');
  });
});

describe('the debug log', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows only the origin of the Referer, never its path or query', async () => {
    const app = appWith({ LOG_LEVEL: 'debug' });
    await request(app, '/health', {
      headers: { referer: 'https://idp.example/callback?code=SECRET-CODE&email=a@b.example#frag' },
    });
    await request(app, '/health', { headers: { referer: 'not a url with SECRET-TWO' } });
    const log = lines.join('\n');
    expect(log).toContain('"referer":"https://idp.example"');
    expect(log).toContain('"referer":"[unparsable]"');
    expect(log).not.toContain('SECRET');
    expect(log).not.toContain('a@b.example');
  });
});
