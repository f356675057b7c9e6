import { describe, expect, it } from 'vitest';
import { safeRedirect, withQuery } from './redirects.ts';

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
