import fc from 'fast-check';
import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { nextTargets } from '../test/support/next-targets.ts';
import { AppwriteHttpError } from './errors.ts';
import {
  isFormPost,
  landsOnTrustedOrigin,
  publicOrigin,
  requireSafeRedirect,
  safeRedirect,
  wantsHtml,
  withQuery,
} from './redirects.ts';

const ORIGIN = 'https://app.test';
const ALLOWED = ['https://front.test', 'http://localhost:5173'];

describe('safeRedirect', () => {
  it.each([
    ['undefined', undefined, '/'],
    ['an empty string', '', '/'],
  ])('returns the fallback for %s', (_, next, expected) => {
    expect(safeRedirect(next, ORIGIN, ALLOWED)).toBe(expected);
  });

  it('returns a custom fallback for a missing target', () => {
    expect(safeRedirect(undefined, ORIGIN, ALLOWED, '/home')).toBe('/home');
  });

  it.each([
    ['/', '/'],
    ['/me', '/me'],
    ['/a?b=1#c', '/a?b=1#c'],
    ['/a/../me', '/me'],
    ['/search?q=a%20b', '/search?q=a%20b'],
    // Percent-encoded CR LF stay inert text inside the path: no header split, no other origin.
    ['/%0d%0a', '/%0d%0a'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/'.padEnd(2048, 'a'), '/'.padEnd(2048, 'a')],
  ])('keeps the same-origin path %s as the path %s', (next, expected) => {
    expect(safeRedirect(next, ORIGIN, ALLOWED)).toBe(expected);
  });

  it.each([
    ['protocol-relative URL', '//evil.example'],
    ['protocol-relative URL with a path', '//evil.example/me'],
    ['triple slash', '///evil.example'],
    ['backslash after the slash', '/\\evil.example'],
    ['backslashes only', '\\\\evil.example'],
    ['other https origin', 'https://evil.example'],
    ['look-alike origin', 'https://app.test.evil.example/'],
    ['same host over http', 'http://app.test/me'],
    ['same host on another port', 'https://app.test:8443/me'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['credentials on our origin', 'https://user:pw@app.test/me'],
    ['credentials on an allowed origin', 'https://user:pw@front.test/me'],
    ['raw CR LF', '/\r\nSet-Cookie: x=1'],
    ['a tab', '/\t/evil.example'],
    ['a newline', '/\n/evil.example'],
    ['a NUL', '/me\u0000'],
    ['a DEL', '/me\u007f'],
    ['more than 2048 characters', '/'.padEnd(2049, 'a')],
    // Dot segments that normalise into a protocol-relative path: the returned value is judged.
    ['dot-dot before a double slash', '/..//evil.example'],
    ['dot before a double slash', '/.//evil.example'],
    ['encoded dot before a double slash', '/%2e//evil.example'],
    ['encoded dot-dot (upper case) before a double slash', '/%2E%2E//evil.example'],
    ['mixed-case encoded dot-dot before a double slash', '/%2e%2E//evil.example'],
    ['segment and dot-dot before a double slash', '/a/..//evil.example/x'],
    ['dot-dot before a triple slash', '/..///evil.example'],
    ['URL the parser refuses', 'http://[::1'],
    ['blob: URL on an allowed origin', 'blob:https://front.test/0d5b4f4e-1111-2222-3333-444455556666'],
    ['username only', 'https://user@front.test/'],
    ['password only', 'https://:pw@front.test/'],
    ['credentials on a same-origin path-looking URL', 'https://user@app.test/me'],
  ])('returns null for a %s', (_, next) => {
    expect(safeRedirect(next, ORIGIN, ALLOWED)).toBeNull();
  });

  it.each(['https://front.test/after?x=1#y', 'https://front.test/', 'http://localhost:5173/cb'])(
    'returns the allow-listed absolute URL %s whole',
    (next) => {
      expect(safeRedirect(next, ORIGIN, ALLOWED)).toBe(next);
    },
  );

  it('returns a same-origin absolute URL whole', () => {
    expect(safeRedirect('https://app.test/me?x=1', ORIGIN, [])).toBe('https://app.test/me?x=1');
  });

  it('rejects an absolute URL on an origin that is not allow-listed', () => {
    expect(safeRedirect('https://front.test/after', ORIGIN, [])).toBeNull();
  });

  it('never turns a path-looking target into another origin', () => {
    const tricky = ['/%0d%0a', '/.evil.example', '/@evil.example', '/;//evil.example', '/%5Cevil.example'];
    for (const next of tricky) {
      const target = safeRedirect(next, ORIGIN, ALLOWED);
      expect(target, next).not.toBeNull();
      expect(target?.startsWith('/'), next).toBe(true);
      expect(target?.startsWith('//'), next).toBe(false);
      expect(new URL(target ?? '', ORIGIN).origin, next).toBe(ORIGIN);
    }
  });
});

describe('landsOnTrustedOrigin', () => {
  it.each([
    ['/', true],
    ['/me?x=1', true],
    ['https://front.test/x', true],
    ['//evil.example', false],
    ['/\\evil.example', false],
    ['\\/evil.example', false],
    ['https://evil.example/', false],
    ['https://u@front.test/', false],
    ['https://:p@front.test/', false],
    ['javascript:alert(1)', false],
    ['http://[::1', false],
  ])('judges %s as %s', (location, expected) => {
    expect(landsOnTrustedOrigin(location, ORIGIN, ALLOWED)).toBe(expected);
  });
});

describe('safeRedirect over generated targets', () => {
  it('returns only values a browser resolves to this origin or an allow-listed one (20,000 runs)', () => {
    fc.assert(
      fc.property(nextTargets, (next) => {
        const target = safeRedirect(next, ORIGIN, ALLOWED);
        if (target === null || target === '/') return;
        expect(target.startsWith('//')).toBe(false);
        expect(target.startsWith('/\\')).toBe(false);
        const resolved = new URL(target, ORIGIN);
        expect([ORIGIN, ...ALLOWED]).toContain(resolved.origin);
        expect(resolved.username + resolved.password).toBe('');
        // A browser resolves a path against the page it is on, not only against ORIGIN.
        if (target.startsWith('/'))
          expect(new URL(target, 'https://elsewhere.test/a/b').host).toBe('elsewhere.test');
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('withQuery', () => {
  it.each([
    ['/login', { error: 'user_invalid_credentials' }, '/login?error=user_invalid_credentials'],
    ['/login', { error: 'a b&c' }, '/login?error=a+b%26c'],
    ['/a?b=1#h', { c: '2' }, '/a?b=1&c=2#h'],
    ['/a?error=old', { error: 'new' }, '/a?error=new'],
    ['https://front.test/cb', { error: 'x' }, 'https://front.test/cb?error=x'],
    ['https://front.test/cb?keep=1#f', { error: 'x', n: '2' }, 'https://front.test/cb?keep=1&error=x&n=2#f'],
  ])('withQuery(%s, %o) is %s', (path, params, expected) => {
    expect(withQuery(path, params)).toBe(expected);
  });
});

describe('isFormPost and wantsHtml', () => {
  /** Runs `check` on a request with these headers, inside Hono, and returns its answer. */
  const judge = async (check: (c: Context) => boolean, headers: Record<string, string>) => {
    const app = new Hono();
    app.all('/x', (c) => c.json(check(c)));
    return (await app.request('http://app.test/x', { method: 'POST', headers })).json();
  };

  it.each([
    ['application/x-www-form-urlencoded', true],
    ['application/x-www-form-urlencoded; charset=UTF-8', true],
    ['Application/X-WWW-Form-Urlencoded', true],
    ['multipart/form-data; boundary=----WebKitFormBoundary', true],
    ['MULTIPART/FORM-DATA; boundary=x', true],
    ['application/json', false],
    ['text/plain', false],
    ['', false],
  ])('isFormPost for Content-Type %j is %s', async (type, expected) => {
    expect(await judge(isFormPost, type ? { 'Content-Type': type } : {})).toBe(expected);
  });

  it('isFormPost is false without a Content-Type', async () => {
    expect(await judge(isFormPost, {})).toBe(false);
  });

  it.each([
    ['text/html,application/xhtml+xml,*/*;q=0.8', true],
    ['application/json, text/html;q=0.1', true],
    ['application/json', false],
    ['*/*', false],
  ])('wantsHtml for Accept %j is %s', async (accept, expected) => {
    expect(await judge(wantsHtml, { Accept: accept })).toBe(expected);
  });

  it('wantsHtml is false without an Accept header', async () => {
    expect(await judge(wantsHtml, {})).toBe(false);
  });
});

describe('publicOrigin and requireSafeRedirect', () => {
  /** Runs `handler` inside Hono on a request to `url` and returns its JSON answer. */
  const inside = async (url: string, handler: (c: Context) => unknown) => {
    const app = new Hono();
    app.get('/x', (c) => {
      try {
        return c.json({ value: handler(c) });
      } catch (error) {
        const failure = error as AppwriteHttpError;
        return c.json({ error: failure instanceof AppwriteHttpError ? failure.toBody() : String(error) });
      }
    });
    return (await app.request(url)).json();
  };

  it('publicOrigin is publicOrigin when set, else the origin the request was addressed to', async () => {
    expect(
      await inside('http://app.test:8080/x?y=1', (c) => publicOrigin(c, { publicOrigin: undefined })),
    ).toEqual({
      value: 'http://app.test:8080',
    });
    expect(
      await inside('http://app.test/x', (c) => publicOrigin(c, { publicOrigin: 'https://public.test' })),
    ).toEqual({
      value: 'https://public.test',
    });
  });

  it('requireSafeRedirect returns a safe target and throws 400 general_argument_invalid for an unsafe one', async () => {
    const config = { publicOrigin: 'https://app.test', allowedOrigins: ['https://front.test'] };
    expect(
      await inside('http://internal/x', (c) => requireSafeRedirect(c, config, 'https://front.test/a')),
    ).toEqual({
      value: 'https://front.test/a',
    });
    expect(
      await inside('http://internal/x', (c) => requireSafeRedirect(c, config, '/..//evil.example')),
    ).toEqual({
      error: {
        message: 'Invalid `next` param: only paths on this site or allow-listed origins are accepted.',
        code: 400,
        type: 'general_argument_invalid',
      },
    });
  });
});
