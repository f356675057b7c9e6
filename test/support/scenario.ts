// The black-box scenario every runtime must pass (Node, Bun, Deno, workerd). It talks HTTP only: to
// the worker through `target.request`, and to the emulator directly (API key, consent page), so the
// same steps run from Node against a spawned server and from inside workerd against the worker entry.
import { expect, it } from 'vitest';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from './demo.ts';
import { consent } from './oauth-consent.ts';

export const COOKIE = `a_session_${PROJECT}`;
const ROWS = `/tables/${DATABASE}/${BIRTHDAYS}/rows`;
const MOBILE_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

/** Where the worker and the emulator are, and how to send the worker a request. */
export interface Target {
  /** Origin the worker is addressed at, e.g. `http://127.0.0.1:8787`. */
  base: string;
  /** Sends a request to the worker (a real socket, or the worker entry's `fetch` in workerd). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The emulator's API endpoint, e.g. `https://localhost:1234/v1`. */
  endpoint: string;
}

/** One parsed `Set-Cookie`: value and lower-cased attributes. */
export type SetCookie = { name: string; value: string; attributes: Record<string, string> };

export const parseSetCookies = (response: Response): SetCookie[] =>
  response.headers.getSetCookie().map((line) => {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    return {
      name: pair.slice(0, eq),
      value: decodeURIComponent(pair.slice(eq + 1)),
      attributes: Object.fromEntries(
        attributes.map((attribute) => {
          const [key = '', ...rest] = attribute.split('=');
          return [key.toLowerCase(), rest.join('=')];
        }),
      ),
    };
  });

/** A minimal cookie jar: what a browser would send back to the worker. */
export class Jar {
  readonly cookies = new Map<string, string>();

  absorb(response: Response): SetCookie[] {
    const set = parseSetCookies(response);
    for (const cookie of set) {
      if (cookie.attributes['max-age'] === '0' || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return set;
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
  }
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Calls the emulator's REST API with the API key (what an admin sees). */
const asAdmin = (target: Target, path: string) =>
  fetch(`${target.endpoint}${path}`, {
    headers: { 'X-Appwrite-Project': PROJECT, 'X-Appwrite-Key': API_KEY },
  });

let counter = 0;
/** A fresh email per call, unique across runtimes and runs sharing an emulator. */
export const uniqueEmail = (prefix = 'new') =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;

/** Signs `email`/`password` in through the worker and returns the jar holding the session cookie. */
export const signIn = async (target: Target, email: string, password: string, init: RequestInit = {}) => {
  const jar = new Jar();
  const response = await target.request('/auth/login', { ...json({ email, password }), ...init });
  expect(response.status).toBe(200);
  jar.absorb(response);
  return { jar, response };
};

const withCookies = (jar: Jar, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
});
const bearer = (jwt: string): RequestInit => ({ headers: { authorization: `Bearer ${jwt}` } });

const names = async (response: Response) => {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { rows: { name: string }[] };
  return body.rows.map((row) => row.name).sort();
};

/** Asserts an Appwrite-shaped error and returns its body. */
export const expectError = async (response: Response, status: number, type: string) => {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { message: string; code: number; type: string };
  expect({ status: response.status, code: body.code, type: body.type }).toEqual({
    status,
    code: status,
    type,
  });
  expect(typeof body.message).toBe('string');
  return body;
};

/** Registers the scenario's tests. `getTarget` is called inside each test (after setup ran). */
export const defineScenario = (getTarget: () => Target) => {
  it('serves /health without a credential', async () => {
    const response = await getTarget().request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('signs up: 201 with the user and an httpOnly, Secure, Lax session cookie', async () => {
    const target = getTarget();
    const email = uniqueEmail('signup');
    const response = await target.request(
      '/auth/signup',
      json({ email, password: 'password-new', name: 'New' }),
    );
    expect(response.status).toBe(201);
    const { user } = (await response.json()) as { user: { $id: string; email: string; name: string } };
    expect(user).toMatchObject({ email, name: 'New' });
    const jar = new Jar();
    const [cookie] = jar.absorb(response);
    expect(cookie?.name).toBe(COOKIE);
    const me = await target.request('/me', withCookies(jar));
    expect(((await me.json()) as { $id: string }).$id).toBe(user.$id);
  });

  it('logs in with the user agent forwarded, and sets the cookie with the session lifetime', async () => {
    const target = getTarget();
    const { jar, response } = await signIn(target, 'user-a@example.com', 'password-a', {
      headers: { 'content-type': 'application/json', 'user-agent': MOBILE_CHROME },
    });
    // Appwrite's Session model, as the user's own SDK sees it: the secret only travels in the cookie.
    const { session } = (await response.json()) as { session: { userId: string; secret: string } };
    expect(session).toMatchObject({ userId: 'user-a', secret: '' });
    const [cookie] = parseSetCookies(response);
    expect(cookie?.name).toBe(COOKIE);
    expect(cookie?.attributes).toMatchObject({ path: '/', samesite: 'Lax' });
    expect(cookie?.attributes).toHaveProperty('httponly');
    expect(cookie?.attributes).toHaveProperty('secure');
    const maxAge = Number(cookie?.attributes['max-age']);
    // Appwrite's default session lasts a year; never more than browsers' 400-day cap.
    expect(maxAge).toBeGreaterThan(364 * 86_400);
    expect(maxAge).toBeLessThanOrEqual(400 * 86_400);
    // The session Appwrite recorded names the end user's browser, not the worker's SDK.
    const sessions = (await (await asAdmin(target, '/users/user-a/sessions')).json()) as {
      sessions: { clientName: string; osName: string; $createdAt: string }[];
    };
    const latest = sessions.sessions.sort((a, b) => b.$createdAt.localeCompare(a.$createdAt))[0];
    expect(latest).toMatchObject({ clientName: 'Chrome Mobile', osName: 'Android' });
    expect(jar.cookies.has(COOKIE)).toBe(true);
  });

  it("holds the seed example: user-a sees only Kevin's row (cookie and Bearer); the API key sees all three", async () => {
    const target = getTarget();
    const { jar } = await signIn(target, 'user-a@example.com', 'password-a');
    const me = await target.request('/me', withCookies(jar));
    expect(((await me.json()) as { $id: string }).$id).toBe('user-a');
    expect(await names(await target.request(ROWS, withCookies(jar)))).toEqual(['Kevin']);
    const minted = await target.request('/auth/jwt', withCookies(jar, { method: 'POST' }));
    const { jwt } = (await minted.json()) as { jwt: string };
    expect(await names(await target.request(ROWS, bearer(jwt)))).toEqual(['Kevin']);
    const { jar: jarB } = await signIn(target, 'user-b@example.com', 'password-b');
    expect(await names(await target.request(ROWS, withCookies(jarB)))).toEqual(['Laura']);
    const all = await asAdmin(target, `/tablesdb/${DATABASE}/tables/${BIRTHDAYS}/rows`);
    expect(await names(all)).toEqual(['Bob', 'Kevin', 'Laura']);
  });

  it('passes validated Appwrite queries through and rejects malformed ones with 400', async () => {
    const target = getTarget();
    const { jar } = await signIn(target, 'user-a@example.com', 'password-a');
    const only = (name: string) =>
      encodeURIComponent(JSON.stringify({ method: 'equal', attribute: 'name', values: [name] }));
    expect(await names(await target.request(`${ROWS}?queries[]=${only('Kevin')}`, withCookies(jar)))).toEqual(
      ['Kevin'],
    );
    // Laura's row exists, but user-a may not read it: the query cannot widen access.
    expect(await names(await target.request(`${ROWS}?queries[]=${only('Laura')}`, withCookies(jar)))).toEqual(
      [],
    );
    const invalid = encodeURIComponent(JSON.stringify({ method: 'limit', values: [0] }));
    await expectError(
      await target.request(`${ROWS}?queries[]=${invalid}`, withCookies(jar)),
      400,
      'general_query_invalid',
    );
    await expectError(
      await target.request(`${ROWS}?queries[]=not-json`, withCookies(jar)),
      400,
      'general_argument_invalid',
    );
  });

  it('mints a JWT, reuses it, and the JWT dies with the session on logout', async () => {
    const target = getTarget();
    const { jar } = await signIn(target, 'user-c@example.com', 'password-c');
    const first = await target.request('/auth/jwt', withCookies(jar, { method: 'POST' }));
    expect(first.status).toBe(200);
    const minted = (await first.json()) as { jwt: string; expire: string };
    expect(minted.jwt.split('.')).toHaveLength(3);
    const left = Date.parse(minted.expire) - Date.now();
    expect(left).toBeGreaterThan(800_000);
    expect(left).toBeLessThanOrEqual(900_000);
    const second = (await (
      await target.request('/auth/jwt', withCookies(jar, { method: 'POST' }))
    ).json()) as {
      jwt: string;
    };
    expect(second.jwt).toBe(minted.jwt);
    const me = await target.request('/me', bearer(minted.jwt));
    expect(((await me.json()) as { $id: string }).$id).toBe('user-c');

    const logout = await target.request('/auth/logout', withCookies(jar, { method: 'POST' }));
    expect(logout.status).toBe(204);
    const [cleared] = parseSetCookies(logout);
    expect(cleared).toMatchObject({ name: COOKIE, value: '' });
    expect(cleared?.attributes['max-age']).toBe('0');
    await expectError(await target.request('/me', bearer(minted.jwt)), 401, 'general_unauthorized_scope');
    const oldCookie = `${COOKIE}=${encodeURIComponent(jar.cookies.get(COOKIE) ?? '')}`;
    await expectError(
      await target.request('/me', { headers: { cookie: oldCookie } }),
      401,
      'general_unauthorized_scope',
    );
  });

  it('answers 401 user_unauthorized without a credential and 401 for a malformed one', async () => {
    const target = getTarget();
    await expectError(await target.request('/me'), 401, 'user_unauthorized');
    await expectError(await target.request(ROWS), 401, 'user_unauthorized');
    await expectError(await target.request('/me', bearer('not-a-jwt')), 401, 'user_jwt_invalid');
    await expectError(
      await target.request('/me', { headers: { cookie: `${COOKIE}=%00` } }),
      401,
      'user_session_invalid',
    );
  });

  it('turns a guest into a full account with the same user id', async () => {
    const target = getTarget();
    const jar = new Jar();
    const guest = await target.request('/auth/anonymous', { method: 'POST' });
    expect(guest.status).toBe(201);
    jar.absorb(guest);
    const { session } = (await guest.json()) as { session: { userId: string; secret: string } };
    expect(session.secret).toBe('');
    const user = (await (await target.request('/me', withCookies(jar))).json()) as {
      $id: string;
      email: string;
    };
    expect(user).toMatchObject({ $id: session.userId, email: '' });
    const email = uniqueEmail('upgraded');
    const guestJar = new Jar();
    guestJar.absorb(guest);
    const upgraded = await target.request(
      '/auth/upgrade',
      withCookies(jar, json({ email, password: 'password-up' })),
    );
    expect(upgraded.status).toBe(200);
    expect(((await upgraded.json()) as { user: { $id: string; email: string } }).user).toMatchObject({
      $id: user.$id,
      email,
    });
    // A fresh session replaces the guest's (which someone else may have planted); the old one is dead.
    jar.absorb(upgraded);
    expect(jar.header()).not.toBe(guestJar.header());
    await expectError(await target.request('/me', withCookies(guestJar)), 401, 'general_unauthorized_scope');
    expect(((await (await target.request('/me', withCookies(jar))).json()) as { email: string }).email).toBe(
      email,
    );
    const again = await signIn(target, email, 'password-up');
    const { session: upgradedSession } = (await again.response.json()) as { session: { userId: string } };
    expect(upgradedSession.userId).toBe(user.$id);
    const twice = await target.request(
      '/auth/upgrade',
      withCookies(jar, json({ email, password: 'password-up' })),
    );
    await expectError(twice, 409, 'user_not_guest');
  });

  it('signs in with OAuth through the consent page, bound to the browser that started it', async () => {
    const target = getTarget();
    const jar = new Jar();
    const start = await target.request('/auth/oauth/github?next=/me');
    expect(start.status).toBe(302);
    const [state] = jar.absorb(start);
    expect(state?.name).toBe(`__Host-${COOKIE}_oauth`);
    expect(state?.attributes).toMatchObject({ samesite: 'Lax', path: '/' });
    expect(state?.attributes).toHaveProperty('secure');
    expect(state?.attributes).not.toHaveProperty('domain');
    expect(state?.attributes).toHaveProperty('httponly');
    const email = uniqueEmail('oauth');
    const { location } = await consent(start.headers.get('location') ?? '', { email, decision: 'allow' });
    const callback = new URL(location);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${target.base}/auth/oauth/callback`);
    const callbackPath = `${callback.pathname}${callback.search}`;

    // The same success URL without this browser's state cookie (an attacker's link): no session.
    const stranger = await target.request(callbackPath, { headers: { accept: 'application/json' } });
    await expectError(stranger, 403, 'user_oauth2_state_invalid');
    expect(parseSetCookies(stranger).some((c) => c.name === COOKIE && c.value)).toBe(false);

    const landed = await target.request(callbackPath, withCookies(jar));
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe('/me');
    jar.absorb(landed);
    expect(jar.cookies.has(COOKIE)).toBe(true);
    expect(jar.cookies.has(`__Host-${COOKIE}_oauth`)).toBe(false);
    const me = await target.request('/me', withCookies(jar));
    expect(((await me.json()) as { email: string }).email).toBe(email);

    // The state is single-use: replaying the callback is refused.
    await expectError(await target.request(callbackPath, withCookies(jar)), 403, 'user_oauth2_state_invalid');
  });

  it('sends a denied OAuth sign-in to the login page (browsers) or answers 401 JSON (API clients)', async () => {
    const target = getTarget();
    const start = await target.request('/auth/oauth/github');
    const { location } = await consent(start.headers.get('location') ?? '', { decision: 'deny' });
    const failure = new URL(location);
    expect(failure.pathname).toBe('/auth/oauth/failure');
    const browser = await target.request(`${failure.pathname}${failure.search}`, {
      headers: { accept: 'text/html' },
    });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/login?error=user_oauth2_provider_error');
    const api = await target.request(`${failure.pathname}${failure.search}`);
    await expectError(api, 401, 'user_oauth2_provider_error');
    // Without Appwrite's error object (a hand-typed URL), the type is the generic one.
    await expectError(await target.request('/auth/oauth/failure'), 401, 'user_oauth2_unauthorized');
  });

  it('rejects next=https://evil.example and cross-origin posts, setting no cookie', async () => {
    const target = getTarget();
    const evilNext = await target.request(
      '/auth/login?next=https://evil.example/',
      json({ email: 'user-a@example.com', password: 'password-a' }),
    );
    await expectError(evilNext, 400, 'general_argument_invalid');
    expect(evilNext.headers.getSetCookie()).toEqual([]);
    await expectError(
      await target.request('/auth/oauth/github?next=https://evil.example'),
      400,
      'general_argument_invalid',
    );
    await expectError(
      await target.request('/auth/oauth/github?next=//evil.example'),
      400,
      'general_argument_invalid',
    );
    const crossSite = await target.request('/auth/login', {
      ...json({ email: 'user-a@example.com', password: 'password-a' }),
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
    });
    await expectError(crossSite, 403, 'general_unknown_origin');
    expect(crossSite.headers.getSetCookie()).toEqual([]);
  });

  it('answers a form login with 303 to a safe next, and a failed one with 303 to the login page', async () => {
    const target = getTarget();
    const form = (body: Record<string, string>): RequestInit => ({
      method: 'POST',
      // As a browser sends it: with its page's origin.
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: target.base },
      body: new URLSearchParams(body),
    });
    const ok = await target.request(
      '/auth/login',
      form({ email: 'user-a@example.com', password: 'password-a', next: '/me' }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/me');
    expect(parseSetCookies(ok)[0]?.name).toBe(COOKIE);
    const bad = await target.request(
      '/auth/login',
      form({ email: 'user-a@example.com', password: 'wrong-password' }),
    );
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toBe('/login?error=user_invalid_credentials');
    // No session; only the typed email, kept one minute for the login page (not in the URL).
    expect(parseSetCookies(bad)).toEqual([
      {
        name: `${COOKIE}_email`,
        value: 'user-a@example.com',
        attributes: { 'max-age': '60', path: '/', httponly: '', secure: '', samesite: 'Lax' },
      },
    ]);
  });

  it('keeps 40 users apart under interleaved concurrent requests (cookie and Bearer)', async () => {
    const target = getTarget();
    const users = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const email = uniqueEmail('iso');
        const response = await target.request('/auth/signup', json({ email, password: 'password-iso' }));
        expect(response.status).toBe(201);
        const jar = new Jar();
        jar.absorb(response);
        const { user } = (await response.json()) as { user: { $id: string } };
        const minted = await target.request('/auth/jwt', withCookies(jar, { method: 'POST' }));
        const { jwt } = (await minted.json()) as { jwt: string };
        return { id: user.$id, jar, jwt };
      }),
    );
    const requests = Array.from({ length: 5 }, (_, round) =>
      users.map(async (user) => {
        const init = round % 2 === 0 ? withCookies(user.jar) : bearer(user.jwt);
        const response = await target.request('/me', init);
        const body = (await response.json()) as { $id?: string; type?: string };
        // A failure says what came back instead: another user's id, or the error's status and type.
        return body.$id === user.id
          ? { expected: user.id, actual: body.$id }
          : { expected: user.id, actual: body.$id, status: response.status, type: body.type };
      }),
    ).flat();
    const results = await Promise.all(requests);
    expect(results).toHaveLength(200);
    expect(results.filter((r) => r.actual !== r.expected)).toEqual([]);
  });
};
