// The server-rendered pages (routes/pages.tsx, pages/*) and the HTML-form side of /auth/*, through the
// whole app (createApp) against the in-process Appwrite emulator: security headers, the stylesheet,
// the login and signup pages, a failed form post and the email it keeps, the home page for each kind
// of visitor, Appwrite down, and the JWT page. Plain string checks on the HTML: the pages have no
// script, so what the server sends is what the browser shows.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from '../../test/support/demo.ts';
import { createApp } from '../app.ts';
import { parseConfig } from '../config.ts';
import { errorMessage, isCredentialError } from '../pages/messages.ts';
import { STYLESHEET, STYLESHEET_PATH } from '../pages/styles.ts';

const ORIGIN = 'http://127.0.0.1';
const COOKIE = `a_session_${PROJECT}`;
const FLASH = `${COOKIE}_email`;
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
// A session secret of the right shape that no Appwrite has issued.
const UNKNOWN_SESSION = Buffer.from('{"id":"no-such-session","secret":"0123456789abcdef"}').toString(
  'base64',
);

type App = ReturnType<typeof createApp>;

let emulator: AppwriteEmulator;
beforeAll(async () => {
  emulator = await startAppwriteEmulator({});
});
// Signup and upgrade tests add users: every test starts from the demo seed.
beforeEach(async () => {
  await emulator.reset();
});
afterAll(async () => {
  await emulator?.stop();
});

/** The app in front of the emulator, as the demo deploys it; `env` overrides variables ('' unsets). */
const appWith = (env: Record<string, string> = {}): App =>
  createApp(
    parseConfig({
      APPWRITE_ENDPOINT: emulator.endpoint,
      APPWRITE_PROJECT_ID: PROJECT,
      APPWRITE_API_KEY: API_KEY,
      OAUTH_PROVIDERS: 'github,google',
      HOME_TABLE: `${DATABASE}/${BIRTHDAYS}`,
      ...env,
    }),
  );

/** `value`, or a failed test saying what was missing (instead of a non-null assertion). */
const present = <T>(value: T | undefined | null, what: string): T => {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
};

const get = (app: App, path: string, cookie?: string) =>
  app.request(`${ORIGIN}${path}`, cookie ? { headers: { cookie } } : {});

/** An HTML form post as a browser sends it: urlencoded, with its same-origin `Origin`. */
const postForm = (app: App, path: string, fields: Record<string, string>, cookie?: string) =>
  app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: {
      origin: ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

/** An API client's JSON post (no `Origin`: not a browser). */
const postJson = (app: App, path: string, body?: unknown, cookie?: string) =>
  app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(cookie ? { cookie } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

interface SetCookie {
  name: string;
  /** As sent, still URL-encoded: exactly what the browser sends back. */
  value: string;
  /** Lower-cased attribute names; flags such as HttpOnly map to ''. */
  attributes: Record<string, string>;
}

const setCookies = (response: Response): SetCookie[] =>
  response.headers.getSetCookie().map((header) => {
    const [pair = '', ...rest] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const attributes: Record<string, string> = {};
    for (const attribute of rest) {
      const eq = attribute.indexOf('=');
      if (eq === -1) attributes[attribute.toLowerCase()] = '';
      else attributes[attribute.slice(0, eq).toLowerCase()] = attribute.slice(eq + 1);
    }
    return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes };
  });

const setCookieNamed = (response: Response, name: string) =>
  setCookies(response).find((cookie) => cookie.name === name);

/** The `Cookie` header a browser sends back for a `Set-Cookie`. */
const cookieHeader = (cookie: SetCookie) => `${cookie.name}=${cookie.value}`;

/** Signs `user-<letter>` in through the JSON API; the `Cookie` header of the new session. */
const signIn = async (app: App, letter: 'a' | 'b'): Promise<string> => {
  const response = await postJson(app, '/auth/login', {
    email: `user-${letter}@example.com`,
    password: `password-${letter}`,
  });
  expect(response.status).toBe(200);
  return cookieHeader(present(setCookieNamed(response, COOKIE), 'session cookie'));
};

const signInAsGuest = async (app: App): Promise<string> => {
  const response = await postJson(app, '/auth/anonymous');
  expect(response.status).toBe(201);
  return cookieHeader(present(setCookieNamed(response, COOKIE), 'guest session cookie'));
};

/** Asserts a `Set-Cookie` that deletes `name` with the attributes it was set with (Path=/). */
const expectCleared = (response: Response, name: string) => {
  const cookie = present(setCookieNamed(response, name), `Set-Cookie clearing ${name}`);
  expect(cookie.value).toBe('');
  expect(cookie.attributes['max-age']).toBe('0');
  expect(cookie.attributes.path).toBe('/');
};

const h1 = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];
/** The text of the page's `role="alert"` paragraph, if any. */
const alertText = (html: string) => /<p class="alert" role="alert"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
/** The whole `<input …>` tag with this id. */
const inputTag = (html: string, id: string) =>
  present(new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0], id);
const attribute = (tag: string, name: string) => new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1];
/** The first cell of each table body row: the `name` column of the birthdays table. */
const rowNames = (html: string) => [...html.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((match) => match[1]);
const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) => match[1]);

/** A loopback port nothing listens on: bound by us, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('security headers', () => {
  const expectSecurityHeaders = (response: Response, csp = CSP) => {
    expect(response.headers.get('content-security-policy')).toBe(csp);
    // Not no-referrer: under it browsers send `Origin: null` with form posts, which the origin check refuses.
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  };

  it.each(['/login', '/signup', '/', '/?error=user_unauthorized'])(
    'GET %s: HTML with the CSP, Referrer-Policy same-origin, nosniff, frame options, no-store',
    async (path) => {
      const response = await get(appWith(), path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expectSecurityHeaders(response);
      // Pages name the user: no shared cache may keep them, and they vary with the cookie.
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('vary')).toContain('Cookie');
    },
  );

  it.each([
    ['/me', 401],
    ['/health', 200],
    ['/no-such-route', 404],
  ])(
    'JSON from %s (%i) carries the API set: nothing may load or frame it, nosniff, HSTS',
    async (path, status) => {
      const response = await get(appWith(), path);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expectSecurityHeaders(response, "default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
    },
  );

  // The hot routes build their answer with the headers in it (apiJson); the others get them after.
  it.each([
    ['/me', 200],
    [`/tables/${DATABASE}/${BIRTHDAYS}/rows`, 200],
    [`/tables/${DATABASE}/-bad-/rows`, 400],
  ])('JSON from %s (%i) signed in carries the whole API set', async (path, status) => {
    const app = appWith();
    const response = await get(app, path, await signIn(app, 'a'));
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectSecurityHeaders(response, "default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Authorization, Cookie');
  });

  it('gives the API set to a 500 that Hono raises outside the middleware (a route answering nothing)', async () => {
    const app = appWith();
    app.get('/answers-nothing', (() => undefined) as never);
    const response = await get(app, '/answers-nothing');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Server Error', code: 500, type: 'general_unknown' });
    expectSecurityHeaders(response, "default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('answers a method named after an Object.prototype member with the API set too', async () => {
    const response = await appWith().fetch(new Request(`${ORIGIN}/me`, { method: 'toString' }));
    expect(response.status).toBe(404);
    expectSecurityHeaders(response, "default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('adds ALLOWED_ORIGINS to form-action, and only there', async () => {
    const app = appWith({ ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:5173' });
    const response = await get(app, '/login');
    expectSecurityHeaders(
      response,
      "default-src 'none'; style-src 'self'; img-src 'self'; " +
        "form-action 'self' https://app.example.com http://localhost:5173; frame-ancestors 'none'; base-uri 'none'",
    );
  });
});

describe('stylesheet', () => {
  /** 32-bit FNV-1a over UTF-16 code units, base 36: an independent copy, checked against known vectors. */
  const fnv1a = (text: string) => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return (hash >>> 0).toString(36);
  };

  it('is named after a hash of its content, so a changed stylesheet gets a new URL', () => {
    // Published FNV-1a 32 test vectors, so the copy above is the real FNV-1a.
    expect(fnv1a('')).toBe((0x811c9dc5).toString(36));
    expect(fnv1a('a')).toBe((0xe40c292c).toString(36));
    expect(fnv1a('foobar')).toBe((0xbf9cf968).toString(36));
    expect(STYLESHEET_PATH).toMatch(/^\/assets\/style\.[0-9a-z]+\.css$/);
    expect(STYLESHEET_PATH).toBe(`/assets/style.${fnv1a(STYLESHEET)}.css`);
    // Even a one-character change moves the URL.
    expect(fnv1a(`${STYLESHEET} `)).not.toBe(fnv1a(STYLESHEET));
  });

  it('is served as immutable CSS at the path the pages link, without Vary: Cookie', async () => {
    const app = appWith();
    const html = await (await get(app, '/login')).text();
    const href = present(/<link rel="stylesheet" href="([^"]+)"\/?>/.exec(html)?.[1], 'stylesheet link');
    expect(href).toBe(STYLESHEET_PATH);
    const response = await get(app, href);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The same for everyone: a Vary on Cookie would defeat shared caches.
    expect(response.headers.get('vary') ?? '').not.toContain('Cookie');
    expect(await response.text()).toBe(STYLESHEET);
  });

  it('answers an outdated or unknown stylesheet name with the JSON 404', async () => {
    const response = await get(appWith(), '/assets/style.xxx.css');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message: 'Route not found.',
      code: 404,
      type: 'general_route_not_found',
    });
  });
});

describe('GET /login', () => {
  it('offers one link per OAuth provider, with readable names', async () => {
    const html = await (await get(appWith(), '/login')).text();
    expect(h1(html)).toBe('Sign in');
    expect(html).toContain('<form class="card" method="post" action="/auth/login">');
    expect(hrefs(html).filter((href) => href?.startsWith('/auth/oauth/'))).toEqual([
      '/auth/oauth/github',
      '/auth/oauth/google',
    ]);
    expect(html).toContain('>Continue with GitHub</a>');
    expect(html).toContain('>Continue with Google</a>');
    expect(alertText(html)).toBeUndefined();
  });

  it('names known providers by their brand and capitalises others; none configured, no links', async () => {
    const many = await (await get(appWith({ OAUTH_PROVIDERS: 'gitlab,linkedin,apple' }), '/login')).text();
    for (const name of ['GitLab', 'LinkedIn', 'Apple']) expect(many).toContain(`>Continue with ${name}</a>`);
    const none = await (await get(appWith({ OAUTH_PROVIDERS: '' }), '/login')).text();
    expect(none).not.toContain('/auth/oauth/');
    expect(none).not.toContain('Continue with');
  });

  it('shows a known error in words and ties both inputs to it', async () => {
    const html = await (await get(appWith(), '/login?error=user_invalid_credentials')).text();
    expect(html).toContain('<p class="alert" role="alert" id="login-error">Wrong email or password.</p>');
    const email = inputTag(html, 'login-email');
    const password = inputTag(html, 'login-password');
    expect(attribute(email, 'aria-invalid')).toBe('true');
    expect(attribute(email, 'aria-describedby')).toBe('login-error');
    expect(attribute(password, 'aria-invalid')).toBe('true');
    expect(attribute(password, 'aria-describedby')).toBe('login-error login-password-hint');
  });

  it('without an error, the inputs are not marked invalid', async () => {
    const html = await (await get(appWith(), '/login')).text();
    expect(attribute(inputTag(html, 'login-email'), 'aria-invalid')).toBeUndefined();
    expect(attribute(inputTag(html, 'login-password'), 'aria-describedby')).toBe('login-password-hint');
  });

  it('shows an unknown type as the generic sentence, without echoing it', async () => {
    const html = await (await get(appWith(), '/login?error=your_account_was_hacked_call_support')).text();
    expect(alertText(html)).toBe('Something went wrong. Try again.');
    expect(html).not.toContain('hacked');
  });

  it.each(['<script>alert(1)</script>', '"><img src=x>', 'javascript:alert(1)'])(
    'does not reflect ?error=%s, not even escaped',
    async (error) => {
      const html = await (await get(appWith(), `/login?${new URLSearchParams({ error })}`)).text();
      expect(alertText(html)).toBe('Something went wrong. Try again.');
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('alert(1)');
      expect(html).not.toContain('src=x');
    },
  );

  it.each(['constructor', 'toString', '__proto__'])(
    'says the generic sentence for ?error=%s, the name of an Object.prototype member',
    async (error) => {
      // Not an empty alert box.
      expect(alertText(await (await get(appWith(), `/login?error=${error}`)).text())).toBe(
        'Something went wrong. Try again.',
      );
    },
  );

  it('carries a safe ?next= in the hidden fields, the OAuth links and the sign-up link', async () => {
    const html = await (await get(appWith(), '/login?next=/somewhere')).text();
    // The password form and the guest form.
    expect(html.match(/<input type="hidden" name="next" value="\/somewhere"\/>/g)).toHaveLength(2);
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([
        '/auth/oauth/github?next=%2Fsomewhere',
        '/auth/oauth/google?next=%2Fsomewhere',
        '/signup?next=%2Fsomewhere',
      ]),
    );
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])(
    'drops the unsafe ?next=%s everywhere',
    async (next) => {
      const html = await (await get(appWith(), `/login?${new URLSearchParams({ next })}`)).text();
      expect(html).not.toContain('name="next"');
      expect(html).not.toContain('next=');
      expect(html).not.toContain('evil.example');
      expect(hrefs(html)).toContain('/signup');
    },
  );

  it('carries a ?next= on an ALLOWED_ORIGINS origin', async () => {
    const app = appWith({ ALLOWED_ORIGINS: 'https://app.example.com' });
    const html = await (await get(app, '/login?next=https://app.example.com/done')).text();
    expect(html).toContain('<input type="hidden" name="next" value="https://app.example.com/done"/>');
  });

  it('is served at a custom LOGIN_PATH, which the other pages link to', async () => {
    const app = appWith({ LOGIN_PATH: '/sign-in' });
    const login = await get(app, '/sign-in');
    expect(login.status).toBe(200);
    expect(h1(await login.text())).toBe('Sign in');
    expect((await get(app, '/login')).status).toBe(404);
    expect(hrefs(await (await get(app, '/')).text())).toContain('/sign-in');
    expect(hrefs(await (await get(app, '/signup?next=/x')).text())).toContain('/sign-in?next=%2Fx');
  });
});

describe('GET /signup', () => {
  it('has the name, email and new-password fields posting to /auth/signup', async () => {
    const html = await (await get(appWith(), '/signup')).text();
    expect(h1(html)).toBe('Create an account');
    expect(html).toContain('<form class="card" method="post" action="/auth/signup">');
    expect(html).toContain('<input id="signup-name" name="name"');
    expect(attribute(inputTag(html, 'signup-password'), 'autocomplete')).toBe('new-password');
    expect(hrefs(html)).toContain('/login');
  });

  it('shows the error of a failed signup and drops an unsafe next', async () => {
    const html = await (
      await get(appWith(), '/signup?error=user_already_exists&next=https://evil.example')
    ).text();
    expect(alertText(html)).toBe('An account with this email already exists. Sign in instead.');
    expect(html).not.toContain('evil.example');
  });
});

describe('failed form login', () => {
  const wrongPassword = { email: 'user-a@example.com', password: 'not-the-password' };

  it('redirects 303 to the login page with the type, keeping the email in a short httpOnly cookie', async () => {
    const response = await postForm(appWith(), '/auth/login', wrongPassword);
    expect(response.status).toBe(303);
    const location = present(response.headers.get('location'), 'Location');
    expect(location).toBe('/login?error=user_invalid_credentials');
    // The email stays out of the URL (history, access logs, Referer).
    expect(location).not.toContain('user-a');
    expect(location).not.toContain('example.com');
    const flash = present(setCookieNamed(response, FLASH), 'flash cookie');
    expect(decodeURIComponent(flash.value)).toBe('user-a@example.com');
    expect(flash.attributes).toMatchObject({ 'max-age': '60', path: '/', samesite: 'Lax' });
    expect(flash.attributes).toHaveProperty('httponly');
    expect(flash.attributes).toHaveProperty('secure');
    expect(setCookieNamed(response, COOKIE)).toBeUndefined();
  });

  it('prefills the email once on the login page, then deletes the cookie', async () => {
    const app = appWith();
    const failed = await postForm(app, '/auth/login', wrongPassword);
    const flash = cookieHeader(present(setCookieNamed(failed, FLASH), 'flash cookie'));
    const response = await get(app, present(failed.headers.get('location'), 'Location'), flash);
    const html = await response.text();
    const email = inputTag(html, 'login-email');
    expect(attribute(email, 'value')).toBe('user-a@example.com');
    // The email is known: the cursor goes where the mistake probably is.
    expect(inputTag(html, 'login-password')).toContain('autofocus');
    expectCleared(response, FLASH);
  });

  it('HTML-escapes a kept email that holds markup', async () => {
    const app = appWith();
    // Invalid as an email, so the post fails validation — but the typed text is still kept.
    const typed = '"><script>alert(1)</script>@example.com';
    const failed = await postForm(app, '/auth/login', { email: typed, password: 'whatever-password' });
    expect(failed.headers.get('location')).toBe('/login?error=general_argument_invalid');
    const flash = cookieHeader(present(setCookieNamed(failed, FLASH), 'flash cookie'));
    const html = await (await get(app, '/login?error=general_argument_invalid', flash)).text();
    expect(html).not.toContain('<script');
    expect(attribute(inputTag(html, 'login-email'), 'value')).toBe(
      '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com',
    );
  });

  it('does not keep an email longer than 255 characters, nor show one from a forged cookie', async () => {
    const app = appWith();
    const long = `${'a'.repeat(250)}@example.com`;
    const failed = await postForm(app, '/auth/login', { email: long, password: 'whatever-password' });
    expect(failed.status).toBe(303);
    expect(setCookieNamed(failed, FLASH)).toBeUndefined();
    const response = await get(app, '/login', `${FLASH}=${encodeURIComponent(long)}`);
    expect(attribute(inputTag(await response.text(), 'login-email'), 'value')).toBe('');
    expectCleared(response, FLASH);
  });

  it('carries a safe next field on the redirect', async () => {
    const response = await postForm(appWith(), '/auth/login', { ...wrongPassword, next: '/x?y=1' });
    const location = new URL(present(response.headers.get('location'), 'Location'), ORIGIN);
    expect(location.pathname).toBe('/login');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'user_invalid_credentials',
      next: '/x?y=1',
    });
  });

  it.each(['https://evil.example/', '//evil.example'])('drops the unsafe next field %s', async (next) => {
    const response = await postForm(appWith(), '/auth/login', { ...wrongPassword, next });
    expect(response.status).toBe(303);
    const location = present(response.headers.get('location'), 'Location');
    // The unsafe target is itself the error, found before the password is tried.
    expect(location).toBe('/login?error=general_argument_invalid');
    expect(setCookieNamed(response, COOKIE)).toBeUndefined();
  });
});

describe('failed form signup', () => {
  it.each([
    ['an existing email', { email: 'user-a@example.com', password: 'password-new' }, 'user_already_exists'],
    ['a too-short password', { email: 'new@example.com', password: 'short' }, 'general_argument_invalid'],
  ])('with %s goes back to /signup, not the login page, with the email kept', async (_, fields, type) => {
    const app = appWith();
    const response = await postForm(app, '/auth/signup', fields);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/signup?error=${type}`);
    expect(setCookieNamed(response, COOKIE)).toBeUndefined();
    const flash = cookieHeader(present(setCookieNamed(response, FLASH), 'flash cookie'));
    const html = await (await get(app, `/signup?error=${type}`, flash)).text();
    expect(alertText(html)).toBe(errorMessage(type));
    expect(attribute(inputTag(html, 'signup-email'), 'value')).toBe(fields.email);
  });
});

describe('GET /', () => {
  it('without a cookie: the signed-out page with links to sign in and sign up, nothing cleared', async () => {
    const response = await get(appWith(), '/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(h1(html)).toBe('You are signed out');
    expect(hrefs(html)).toEqual(expect.arrayContaining(['/login', '/signup']));
    expect(alertText(html)).toBeUndefined();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ['a malformed session cookie', `${COOKIE}=***`],
    ['a well-formed session Appwrite does not know', `${COOKIE}=${encodeURIComponent(UNKNOWN_SESSION)}`],
  ])('with %s: the signed-out page saying the session ended, and the cookie cleared', async (_, cookie) => {
    const response = await get(appWith(), '/', cookie);
    // Not an error page: it is where the user signs in again.
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(h1(html)).toBe('You are signed out');
    expect(alertText(html)).toBe('Your session has ended. Sign in again.');
    expectCleared(response, COOKIE);
  });

  it('with a refused Bearer JWT beside a valid session cookie: signed out, the cookie kept', async () => {
    const app = appWith();
    const cookie = await signIn(app, 'a');
    const response = await app.request(`${ORIGIN}/`, {
      headers: { cookie, authorization: 'Bearer aaa.bbb.ccc' },
    });
    expect(h1(await response.text())).toBe('You are signed out');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(h1(await (await get(app, '/', cookie)).text())).toBe('Signed in as User A');
  });

  it('with the identity cache on: a session deleted at Appwrite shows as signed out at once', async () => {
    const app = appWith({ IDENTITY_CACHE_TTL_SECONDS: '60' });
    const cookie = await signIn(app, 'a');
    expect(h1(await (await get(app, '/', cookie)).text())).toBe('Signed in as User A');
    expect((await app.request(`${ORIGIN}/me`, { headers: { cookie } })).status).toBe(200);
    const secret = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    const deleted = await fetch(`${emulator.endpoint}/account/sessions/current`, {
      method: 'DELETE',
      headers: { 'x-appwrite-project': PROJECT, 'x-appwrite-session': secret },
    });
    expect(deleted.status).toBe(204);
    const response = await get(app, '/', cookie);
    expect(h1(await response.text())).toBe('You are signed out');
    expectCleared(response, COOKIE);
  });

  it('with the cookie of a session signed out since: signed out, cookie cleared', async () => {
    const app = appWith();
    const cookie = await signIn(app, 'a');
    expect((await postJson(app, '/auth/logout', undefined, cookie)).status).toBe(204);
    const response = await get(app, '/', cookie);
    expect(h1(await response.text())).toBe('You are signed out');
    expectCleared(response, COOKIE);
  });

  it.each([
    ['a', 'User A', ['Kevin']],
    ['b', 'User B', ['Laura']],
  ] as const)(
    'as user-%s: "Signed in as %s" and only the rows Appwrite lets them read',
    async (letter, name, rows) => {
      const app = appWith();
      const response = await get(app, '/', await signIn(app, letter));
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(h1(html)).toBe(`Signed in as ${name}`);
      expect(rowNames(html)).toEqual(rows);
      expect(html).toContain('<caption>1 row</caption>');
      for (const other of ['Kevin', 'Laura', 'Bob'].filter((row) => !rows.includes(row as never))) {
        expect(html).not.toContain(other);
      }
      expect(html).toContain('<form method="post" action="/auth/jwt">');
      expect(html).toContain('<form method="post" action="/auth/logout">');
      // Full accounts get no upgrade form.
      expect(html).not.toContain('action="/auth/upgrade"');
      expect(response.headers.getSetCookie()).toEqual([]);
    },
  );

  it('shows a datetime at midnight UTC as a plain date', async () => {
    const app = appWith();
    const html = await (await get(app, '/', await signIn(app, 'a'))).text();
    expect(html).toContain('<tr><td>Kevin</td><td>2012-02-03</td></tr>');
  });

  it('as a guest: "Signed in as guest", no rows, and the upgrade form', async () => {
    const app = appWith();
    const html = await (await get(app, '/', await signInAsGuest(app))).text();
    expect(h1(html)).toBe('Signed in as guest');
    expect(html).toContain('<dd>none (guest account)</dd>');
    expect(html).toContain('Appwrite lets you read no rows of this table.');
    expect(html).toContain('<form class="card" method="post" action="/auth/upgrade"');
    expect(inputTag(html, 'upgrade-email')).toContain('name="email"');
    expect(attribute(inputTag(html, 'upgrade-password'), 'autocomplete')).toBe('new-password');
  });

  it('after a failed upgrade: back on / with the error in the upgrade form and the email kept', async () => {
    const app = appWith();
    const guest = await signInAsGuest(app);
    const failed = await postForm(
      app,
      '/auth/upgrade',
      { email: 'user-b@example.com', password: 'password-new' },
      guest,
    );
    expect(failed.status).toBe(303);
    const location = present(failed.headers.get('location'), 'Location');
    expect(location).toMatch(/^\/\?error=user_(?:email_)?already_exists$/);
    const flash = cookieHeader(present(setCookieNamed(failed, FLASH), 'flash cookie'));
    const html = await (await get(app, location, `${guest}; ${flash}`)).text();
    expect(html).toMatch(/<p class="alert" role="alert" id="upgrade-error">An account with this email/);
    const email = inputTag(html, 'upgrade-email');
    expect(attribute(email, 'value')).toBe('user-b@example.com');
    expect(attribute(email, 'aria-describedby')).toBe('upgrade-error');
  });

  it('without HOME_TABLE: no table section', async () => {
    const app = appWith({ HOME_TABLE: '' });
    const html = await (await get(app, '/', await signIn(app, 'a'))).text();
    expect(h1(html)).toBe('Signed in as User A');
    expect(html).not.toContain('Your rows');
    expect(html).not.toContain('<table');
    expect(html).not.toContain('Kevin');
  });

  it('with a HOME_TABLE that cannot be read: the page still renders, saying why', async () => {
    const app = appWith({ HOME_TABLE: 'nodb/notable' });
    const response = await get(app, '/', await signIn(app, 'a'));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(h1(html)).toBe('Signed in as User A');
    expect(html).toMatch(
      /<p class="alert">Could not read the table: Something went wrong\. Try again\. <code>[a-z_]+<\/code>/,
    );
  });

  it('with Appwrite unreachable: an HTML 502 page in words, no internals, the cookie kept', async () => {
    const app = createApp(
      parseConfig({
        APPWRITE_ENDPOINT: `http://127.0.0.1:${await closedPort()}/v1`,
        APPWRITE_PROJECT_ID: PROJECT,
        APPWRITE_API_KEY: API_KEY,
        HOME_TABLE: `${DATABASE}/${BIRTHDAYS}`,
      }),
    );
    const response = await get(app, '/', `${COOKIE}=${encodeURIComponent(UNKNOWN_SESSION)}`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const html = await response.text();
    expect(h1(html)).toBe('Something went wrong');
    expect(alertText(html)).toBe(errorMessage('upstream_unavailable'));
    expect(html).toContain('<code>upstream_unavailable</code>');
    for (const internal of ['TypeError', 'fetch failed', 'ECONNREFUSED', 'node_modules', '    at ']) {
      expect(html).not.toContain(internal);
    }
    // Appwrite being down says nothing about the session: the user must not be signed out.
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('POST /auth/jwt as a form', () => {
  it("shows the user's JWT in a readonly, labelled textarea; the JSON API returns the same one", async () => {
    const app = appWith();
    const cookie = await signIn(app, 'a');
    const response = await postForm(app, '/auth/jwt', {}, cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    // The token is a credential: never cached anywhere.
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const html = await response.text();
    expect(h1(html)).toBe('Your JWT');
    expect(html).toContain('<label for="jwt">JWT</label>');
    const textarea = present(/<textarea id="jwt"([^>]*)>([^<]*)<\/textarea>/.exec(html), 'JWT textarea');
    expect(textarea[1]).toContain(' readonly');
    const jwt = present(textarea[2], 'JWT');
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const json = await postJson(app, '/auth/jwt', undefined, cookie);
    expect(json.status).toBe(200);
    const minted = (await json.json()) as { jwt: string; expire: string };
    expect(minted.jwt).toBe(jwt);
    expect(html).toContain(`<time datetime="${minted.expire}">`);
    // And it is the user's own: it works as a Bearer token.
    const me = await app.request(`${ORIGIN}/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(((await me.json()) as { $id: string }).$id).toBe('user-a');
  });

  it('without a session: back to the login page with user_unauthorized, not JSON', async () => {
    const response = await postForm(appWith(), '/auth/jwt', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?error=user_unauthorized');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('with a session ended upstream: back to the login page with the error', async () => {
    const response = await postForm(
      appWith(),
      '/auth/jwt',
      {},
      `${COOKIE}=${encodeURIComponent(UNKNOWN_SESSION)}`,
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/login\?error=[a-z_]+$/);
  });
});

describe('session-only form posts without a session', () => {
  // A page left open after signing out elsewhere: its forms must lead back to a page, not to JSON.
  it.each([
    ['/auth/jwt', {}, '/login?error=user_unauthorized'],
    ['/auth/logout', {}, '/login?error=user_unauthorized'],
    ['/auth/upgrade', { email: 'new@example.com', password: 'password-new' }, '/?error=user_unauthorized'],
  ])('POST %s as a form: 303 back to a page with user_unauthorized', async (path, fields, location) => {
    const response = await postForm(appWith(), path, fields);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(location);
    expect(setCookieNamed(response, COOKIE)).toBeUndefined();
  });

  it.each([
    ['/auth/jwt', undefined],
    ['/auth/logout', undefined],
    // Refused for the missing session before the body is even validated.
    ['/auth/upgrade', { email: 'not-an-email' }],
  ])('POST %s from an API client: still the JSON 401 user_unauthorized', async (path, body) => {
    const response = await postJson(appWith(), path, body);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 401, type: 'user_unauthorized' });
  });

  it('a Bearer JWT is not a session: refused by all three', async () => {
    // The routes do not require a credential up front; each handler insists on a session cookie.
    const app = appWith();
    const cookie = await signIn(app, 'a');
    const { jwt } = (await (await postJson(app, '/auth/jwt', undefined, cookie)).json()) as { jwt: string };
    for (const path of ['/auth/jwt', '/auth/logout', '/auth/upgrade']) {
      const response = await app.request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'new@example.com', password: 'password-new' }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ type: 'user_unauthorized' });
    }
  });
});

describe('errorMessage', () => {
  it('is undefined without a type', () => {
    expect(errorMessage(undefined)).toBeUndefined();
    expect(errorMessage('')).toBeUndefined();
  });

  it.each([
    ['user_invalid_credentials', 'Wrong email or password.'],
    ['user_blocked', 'This account is blocked.'],
    ['general_rate_limit_exceeded', 'Too many attempts. Wait a while, then try again.'],
    ['user_already_exists', 'An account with this email already exists. Sign in instead.'],
    ['user_email_already_exists', 'An account with this email already exists.'],
    ['general_argument_invalid', 'Enter a valid email address and a password of 8 to 256 characters.'],
    ['user_password_personal_data', 'Choose a password that does not contain your name or email.'],
    ['user_oauth2_provider_error', 'Sign-in with the provider was cancelled or refused.'],
    ['user_oauth2_unauthorized', 'Sign-in with the provider was cancelled or refused.'],
    ['user_oauth2_bad_request', 'Sign-in with the provider failed. Try again.'],
    [
      'user_oauth2_state_invalid',
      'That sign-in was not started in this browser, or it took too long. Try again.',
    ],
    ['project_provider_disabled', 'This sign-in provider is not enabled.'],
    ['user_unauthorized', 'Your session has ended. Sign in again.'],
    ['user_not_guest', 'This account already has an email address.'],
    ['upstream_unavailable', 'The sign-in service is unavailable right now. Try again shortly.'],
    ['upstream_timeout', 'The sign-in service did not answer in time. Try again shortly.'],
    ['upstream_invalid_response', 'The sign-in service gave an unexpected answer. Try again shortly.'],
  ])('says %s in words', (type, sentence) => {
    expect(errorMessage(type)).toBe(sentence);
  });

  it.each([
    'some_new_type',
    'your_account_was_hacked_call_support',
    'general_unknown',
    'a',
    'x'.repeat(64),
    '<script>alert(1)</script>',
    '"><img src=x>',
    'Upper_Case',
    'with space',
    'x'.repeat(65),
    'constructor!',
  ])('does not echo the unsafe type %s', (type) => {
    expect(errorMessage(type)).toBe('Something went wrong. Try again.');
  });

  it('does not take Object.prototype members for known types', () => {
    // A plain-object lookup would return Object.prototype's function or object instead of a string.
    expect(errorMessage('constructor')).toBe('Something went wrong. Try again.');
    expect(errorMessage('__proto__')).toBe('Something went wrong. Try again.');
    expect(errorMessage('toString')).toBe('Something went wrong. Try again.');
    expect(errorMessage('hasOwnProperty')).toBe('Something went wrong. Try again.');
  });
});

describe('isCredentialError', () => {
  it.each([
    ['user_invalid_credentials', true],
    ['general_argument_invalid', true],
    ['user_blocked', false],
    ['user_unauthorized', false],
    [undefined, false],
  ])('isCredentialError(%s) is %s', (type, expected) => {
    expect(isCredentialError(type)).toBe(expected);
  });
});
