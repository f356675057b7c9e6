// Edge cases of the local JWT check and the identity cache that the worker suites do not reach:
// every header, time claim and segment rule, and the cache's bounds, order and revocation floor.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityCache, identityKeyOf, verifyAppwriteJwt } from './identity.ts';

const KEY = 'unit-jwt-key';
const NOW = 2_000_000_000;

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT signed with HS256 under `key`, whatever its header says. */
const jwtOf = (payload: unknown, header: unknown = { alg: 'HS256', typ: 'JWT' }, key = KEY) => {
  const signed = `${b64url(header)}.${b64url(payload)}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
};

const reason = async (jwt: string) => {
  try {
    await verifyAppwriteJwt(jwt, KEY, NOW);
    return 'valid';
  } catch (error) {
    return (error as Error).message.replace('Failed to verify JWT. Invalid token: ', '');
  }
};

const valid = { userId: 'user-a', sessionId: 's1', exp: NOW + 60 };

describe('verifyAppwriteJwt edge cases', () => {
  it.each(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'])(
    'accepts the alg header %s (Appwrite verifies with HS256 whatever it says)',
    async (alg) => {
      expect(await reason(jwtOf(valid, { alg }))).toBe('valid');
    },
  );

  it.each([['none'], ['hs256'], [''], [undefined], [256]])('refuses the alg header %j', async (alg) => {
    expect(await reason(jwtOf(valid, { alg }))).toBe('Unsupported algorithm');
  });

  it.each([
    ['exp exactly now', { ...valid, exp: NOW }, 'Expired'],
    ['exp one second ahead', { ...valid, exp: NOW + 1 }, 'valid'],
    ['nbf exactly now', { ...valid, nbf: NOW }, 'Not yet valid'],
    ['nbf one second ago', { ...valid, nbf: NOW - 1 }, 'valid'],
    ['nbf that is not a number', { ...valid, nbf: String(NOW + 99) }, 'valid'],
    ['iat exactly an hour ago', { ...valid, iat: NOW - 3600 }, 'Expired'],
    ['iat an hour less a second ago', { ...valid, iat: NOW - 3599 }, 'valid'],
    ['iat that is not a number', { ...valid, iat: String(NOW - 7200) }, 'valid'],
    ['iat that is a numeric string far in the past', { ...valid, iat: '-7200' }, 'valid'],
    ['a userId that is not a string', { ...valid, userId: 42 }, 'No user'],
    ['a userId Appwrite would not issue', { ...valid, userId: '-user' }, 'No user'],
    ['a payload that is an array', [valid], 'Malformed token'],
    ['a payload that is null', null, 'Malformed token'],
    ['a payload that is a number', 42, 'Malformed token'],
  ])('judges %s', async (_, payload, expected) => {
    expect(await reason(jwtOf(payload))).toBe(expected);
  });

  it('gives an empty sessionId when the claim is not a string', async () => {
    expect((await verifyAppwriteJwt(jwtOf({ ...valid, sessionId: 7 }), KEY, NOW)).sessionId).toBe('');
    expect((await verifyAppwriteJwt(jwtOf(valid), KEY, NOW)).sessionId).toBe('s1');
  });

  it.each([
    ['a signature in base64 rather than base64url (+ and /)', (jwt: string) => `${jwt.slice(0, -2)}+/`],
    ['a signature with padding', (jwt: string) => `${jwt}=`],
    ['a header with a character outside base64url', (jwt: string) => `$${jwt}`],
  ])('refuses %s as malformed', async (_, mangle) => {
    expect(await reason(mangle(jwtOf(valid)))).toBe('Malformed token');
  });

  it('refuses a JWT of two or four segments', async () => {
    expect(await reason('a.b')).toBe('Incomplete segments');
    expect(await reason(`${jwtOf(valid)}.x`)).toBe('Incomplete segments');
  });
});

describe('identityKeyOf', () => {
  it('keeps the kind in the key, so a JWT and a session with the same text never share an entry', () => {
    expect(identityKeyOf({ kind: 'jwt', jwt: 'x.y.z' })).toBe('jwt:x.y.z');
    expect(identityKeyOf({ kind: 'session', secret: 'x.y.z' })).toBe('session:x.y.z');
  });
});

describe('IdentityCache bounds and order', () => {
  const user = { $id: 'u' } as never;

  it('does not keep an entry whose expiry is exactly now', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, now: () => 5_000 });
    cache.set('k', user, cache.ticket(), 5_000);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('counts a re-set key as the newest, so the oldest other entry is evicted first', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, maxEntries: 2 });
    cache.set('a', user, cache.ticket());
    cache.set('b', user, cache.ticket());
    cache.set('a', user, cache.ticket());
    cache.set('c', user, cache.ticket());
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([user, undefined, user]);
  });

  it('remembers maxEntries revocations before it raises its floor', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, maxEntries: 2 });
    const before = cache.ticket();
    cache.revoke('a');
    cache.revoke('b');
    // Both revocations are remembered: an unrelated key's answer is still kept.
    cache.set('c', user, before);
    expect(cache.get('c')).toBe(user);
  });

  it('bounds its memory of revocations: past maxEntries, answers older than the one forgotten are refused', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, maxEntries: 2 });
    const before = cache.ticket();
    cache.revoke('a');
    cache.revoke('b');
    cache.revoke('c'); // forgets 'a': whether `before` predates a revocation of 'z' is no longer known
    cache.set('z', user, before);
    expect(cache.get('z')).toBeUndefined();
    cache.set('z', user, cache.ticket());
    expect(cache.get('z')).toBe(user);
  });

  it('counts a revoked key revoked again as the newest revocation', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, maxEntries: 2 });
    cache.revoke('k');
    cache.revoke('x');
    const afterX = cache.ticket();
    cache.revoke('k');
    cache.revoke('y'); // forgets 'x', the oldest, not 'k'
    cache.set('z', user, afterX);
    expect(cache.get('z')).toBe(user);
  });
});
