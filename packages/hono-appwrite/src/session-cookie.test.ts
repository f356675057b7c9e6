import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clearSessionCookie,
  cookieCount,
  cookieMaxAge,
  MAX_COOKIE_AGE_SECONDS,
  oauthStateCookie,
  setSessionCookie,
} from './session-cookie.ts';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const lax = {
  cookieName: 'a_session_demo',
  cookieDomain: undefined,
  cookieSameSite: 'Lax',
} as const;

describe('cookieMaxAge', () => {
  it('is 400 days in seconds', () => {
    expect(MAX_COOKIE_AGE_SECONDS).toBe(34_560_000);
  });

  it.each([
    ['10 years ahead (clamped to 400 days)', iso(NOW + 10 * 365 * 86_400_000), 34_560_000],
    ['exactly 400 days ahead', iso(NOW + 34_560_000_000), 34_560_000],
    ['400 days and one second ahead (clamped)', iso(NOW + 34_561_000_000), 34_560_000],
    ['one hour ahead', iso(NOW + 3_600_000), 3600],
    ['one hour and 999 ms ahead (whole seconds, rounded down)', iso(NOW + 3_600_999), 3600],
    ['one second ahead', iso(NOW + 1000), 1],
    ['999 ms ahead', iso(NOW + 999), 0],
    ['now', iso(NOW), 0],
    ['one second ago', iso(NOW - 1000), 0],
    ['a year ago', iso(NOW - 365 * 86_400_000), 0],
    ['an unparsable date', 'garbage', 0],
    ['an empty string', '', 0],
  ])('is correct for an expiry %s', (_, expire, expected) => {
    expect(cookieMaxAge(expire, NOW)).toBe(expected);
  });
});

/** The `Set-Cookie` an app built by `handler` answers `GET /x` with. */
const setCookieOf = async (handler: (app: Hono) => void): Promise<string | null> => {
  const app = new Hono();
  handler(app);
  const response = await app.request('http://app.test/x');
  expect(response.status).toBe(200);
  return response.headers.get('Set-Cookie');
};

describe('session cookies through Hono', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sets the session cookie HttpOnly, Secure, Path=/, SameSite=Lax with Max-Age and Expires', async () => {
    const header = await setCookieOf((app) =>
      app.get('/x', (c) => {
        setSessionCookie(c, lax, 'secret-value', iso(NOW + 3_600_000));
        return c.text('ok');
      }),
    );
    expect(header).toBe(
      `a_session_demo=secret-value; Max-Age=3600; Path=/; Expires=${new Date(NOW + 3_600_000).toUTCString()}; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  it('clamps a session expiring in 10 years to 400 days', async () => {
    const header = await setCookieOf((app) =>
      app.get('/x', (c) => {
        setSessionCookie(c, lax, 'secret-value', iso(NOW + 10 * 365 * 86_400_000));
        return c.text('ok');
      }),
    );
    expect(header).toContain('; Max-Age=34560000;');
    expect(header).toContain(`; Expires=${new Date(NOW + 34_560_000_000).toUTCString()};`);
  });

  it('URL-encodes a base64 secret and honours the configured domain and SameSite', async () => {
    const header = await setCookieOf((app) =>
      app.get('/x', (c) => {
        setSessionCookie(
          c,
          {
            cookieName: 'sid',
            cookieDomain: '.example.com',
            cookieSameSite: 'Strict',
          },
          'ab+c/d==',
          iso(NOW + 60_000),
        );
        return c.text('ok');
      }),
    );
    expect(header).toBe(
      `sid=ab%2Bc%2Fd%3D%3D; Max-Age=60; Domain=.example.com; Path=/; Expires=${new Date(NOW + 60_000).toUTCString()}; HttpOnly; Secure; SameSite=Strict`,
    );
  });

  it('clears the session cookie with Max-Age=0 and the same attributes', async () => {
    const header = await setCookieOf((app) =>
      app.get('/x', (c) => {
        clearSessionCookie(c, lax);
        return c.text('ok');
      }),
    );
    expect(header).toBe('a_session_demo=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('clears a cookie set on a domain with that domain', async () => {
    const header = await setCookieOf((app) =>
      app.get('/x', (c) => {
        clearSessionCookie(c, {
          ...lax,
          cookieDomain: '.example.com',
          cookieSameSite: 'None',
        });
        return c.text('ok');
      }),
    );
    expect(header).toBe(
      'a_session_demo=; Max-Age=0; Domain=.example.com; Path=/; HttpOnly; Secure; SameSite=None',
    );
  });
});

describe('oauthStateCookie', () => {
  it('is a __Host- cookie named after the session cookie, Path=/, for 10 minutes', () => {
    expect(oauthStateCookie(lax)).toStrictEqual({
      name: '__Host-a_session_demo_oauth',
      options: { path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 600 },
    });
  });

  it.each([
    ['__Host-a_session_demo', '__Host-a_session_demo_oauth'],
    ['__Secure-sid', '__Host-sid_oauth'],
    ['my__Secure-sid', '__Host-my__Secure-sid_oauth'],
  ])('does not stack prefixes: session cookie %s gives %s', (name, expected) => {
    expect(oauthStateCookie({ cookieName: name }).name).toBe(expected);
  });

  it('is accepted by Hono (which refuses __Host- cookies without Path=/ or with a Domain)', async () => {
    const header = await setCookieOf((app) =>
      app.get('/x', (c) => {
        const state = oauthStateCookie({ cookieName: '__Host-a_session_demo' });
        setCookie(c, state.name, 'v', state.options);
        return c.text('ok');
      }),
    );
    expect(header).toBe('__Host-a_session_demo_oauth=v; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax');
  });
});

describe('cookieCount', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['theme=dark', 0],
    ['a_session_demo=x', 1],
    ['theme=dark; a_session_demo=x', 1],
    ['a_session_demo=x; a_session_demo=y', 2],
    ['a_session_demo=x;a_session_demo=y;a_session_demo=z', 3],
    ['  a_session_demo =x; a_session_demo=y', 2],
    ['a_session_demo_oauth=x; a_session_demo_email=y; xa_session_demo=z', 0],
    ['a_session_demo; a_session_demo=', 1],
    ['a_session_demo=a=b; a_session_demo==', 2],
    // A pair without `=` is no cookie of that name, however it ends.
    ['a_session_demoX; a_session_demo=1', 1],
  ])('counts a_session_demo in %j as %i', (header, expected) => {
    expect(cookieCount(header, 'a_session_demo')).toBe(expected);
  });
});
