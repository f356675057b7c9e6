import { describe, expect, it } from 'vitest';
import { type CachedJwt, hashSecret, JWT_MIN_REMAINING_MS, JwtCache, jwtExpiry } from './jwt-cache.ts';

const START = Date.parse('2030-01-01T00:00:00.000Z');
const LIFETIME_MS = 15 * 60_000;

/** A cache on a clock the test moves, and a mint function that counts its calls. */
const setup = (options: { maxEntries?: number } = {}) => {
  const clock = { now: START };
  const cache = new JwtCache({ ...options, now: () => clock.now });
  let calls = 0;
  const mint = async (): Promise<CachedJwt> => {
    calls += 1;
    return { jwt: `jwt-${calls}`, expire: new Date(clock.now + LIFETIME_MS).toISOString() };
  };
  return { clock, cache, mint, calls: () => calls };
};

/** A promise with its resolve/reject exposed, to hold a mint in flight. */
const deferred = <T>() => {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('JwtCache', () => {
  it('mints on the first get and caches the result', async () => {
    const { cache, mint, calls } = setup();
    const first = await cache.get('k', mint);
    expect(first).toStrictEqual({ jwt: 'jwt-1', expire: new Date(START + LIFETIME_MS).toISOString() });
    expect(calls()).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('reuses the JWT while more than 60 s are left', async () => {
    const { clock, cache, mint, calls } = setup();
    const first = await cache.get('k', mint);
    clock.now = START + LIFETIME_MS - JWT_MIN_REMAINING_MS - 1;
    expect(await cache.get('k', mint)).toBe(first);
    expect(calls()).toBe(1);
  });

  it.each([
    ['exactly 60 s', JWT_MIN_REMAINING_MS],
    ['59 s', JWT_MIN_REMAINING_MS - 1000],
    ['nothing', 0],
    ['less than nothing (expired)', -5000],
  ])('mints again when %s is left', async (_, remaining) => {
    const { clock, cache, mint, calls } = setup();
    await cache.get('k', mint);
    clock.now = START + LIFETIME_MS - remaining;
    expect((await cache.get('k', mint)).jwt).toBe('jwt-2');
    expect(calls()).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('mints again when the cached expiry is unparsable', async () => {
    const { cache } = setup();
    let n = 0;
    const badMint = async (): Promise<CachedJwt> => {
      n += 1;
      return { jwt: `bad-${n}`, expire: 'not a date' };
    };
    await cache.get('k', badMint);
    expect((await cache.get('k', badMint)).jwt).toBe('bad-2');
    expect(n).toBe(2);
  });

  it('keeps one entry per key', async () => {
    const { cache, mint, calls } = setup();
    const a = await cache.get('a', mint);
    const b = await cache.get('b', mint);
    expect(a.jwt).toBe('jwt-1');
    expect(b.jwt).toBe('jwt-2');
    expect(await cache.get('a', mint)).toBe(a);
    expect(calls()).toBe(2);
  });

  it('mints once per session per 14 minutes under steady load (a simulated hour, 20 gets a second)', async () => {
    const clock = { now: START };
    const cache = new JwtCache({ now: () => clock.now });
    const mintedAt = new Map<string, number[]>();
    const mintFor = (session: string) => async (): Promise<CachedJwt> => {
      mintedAt.set(session, [...(mintedAt.get(session) ?? []), (clock.now - START) / 60_000]);
      return { jwt: `${session}-jwt`, expire: new Date(clock.now + LIFETIME_MS).toISOString() };
    };
    for (let ms = 0; ms < 60 * 60_000; ms += 50) {
      clock.now = START + ms;
      // Concurrent gets for three sessions, the third joining after 5 minutes.
      const sessions = ms >= 5 * 60_000 ? ['a', 'b', 'c'] : ['a', 'b'];
      await Promise.all(
        sessions.flatMap((session) => [1, 2].map(() => cache.get(session, mintFor(session)))),
      );
    }
    // Minted first, then each time the JWT has only 60 s of its 15 minutes left: every 14 minutes.
    expect(Object.fromEntries(mintedAt)).toEqual({
      a: [0, 14, 28, 42, 56],
      b: [0, 14, 28, 42, 56],
      c: [5, 19, 33, 47],
    });
  });

  it('lets concurrent gets for one key share a single mint', async () => {
    const cache = new JwtCache({ now: () => START });
    const pending = deferred<CachedJwt>();
    let calls = 0;
    const mint = () => {
      calls += 1;
      return pending.promise;
    };
    const gets = [cache.get('k', mint), cache.get('k', mint), cache.get('k', mint)];
    expect(calls).toBe(1);
    const fresh = { jwt: 'shared', expire: new Date(START + LIFETIME_MS).toISOString() };
    pending.resolve(fresh);
    const results = await Promise.all(gets);
    for (const result of results) expect(result).toBe(fresh);
    expect(calls).toBe(1);
    expect(await cache.get('k', mint)).toBe(fresh);
    expect(calls).toBe(1);
  });

  it('does not cache a failed mint: waiters all reject and the next get retries', async () => {
    const cache = new JwtCache({ now: () => START });
    const pending = deferred<CachedJwt>();
    let calls = 0;
    const failing = () => {
      calls += 1;
      return pending.promise;
    };
    const boom = new Error('rate limited');
    const gets = [cache.get('k', failing), cache.get('k', failing)];
    pending.reject(boom);
    for (const get of gets) await expect(get).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(cache.size).toBe(0);

    const fresh = { jwt: 'retry', expire: new Date(START + LIFETIME_MS).toISOString() };
    const retry = async () => {
      calls += 1;
      return fresh;
    };
    expect(await cache.get('k', retry)).toBe(fresh);
    expect(calls).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('forgets a key on delete(), so the next get mints', async () => {
    const { cache, mint, calls } = setup();
    await cache.get('k', mint);
    await cache.get('other', mint);
    cache.delete('k');
    expect(cache.size).toBe(1);
    expect((await cache.get('k', mint)).jwt).toBe('jwt-3');
    expect((await cache.get('other', mint)).jwt).toBe('jwt-2');
    expect(calls()).toBe(3);
  });

  it('drops a mint in flight on delete(): its caller gets it, but it is never cached or handed out again', async () => {
    const cache = new JwtCache({ now: () => START });
    const held = deferred<CachedJwt>();
    let calls = 0;
    const heldMint = () => {
      calls += 1;
      return held.promise;
    };
    const inFlight = cache.get('k', heldMint);
    expect(cache.delete('k')).toBeUndefined();
    const minted = { jwt: 'of-a-dead-session', expire: new Date(START + LIFETIME_MS).toISOString() };
    held.resolve(minted);
    expect(await inFlight).toBe(minted);
    expect(cache.size).toBe(0);

    const fresh = { jwt: 'fresh', expire: new Date(START + LIFETIME_MS).toISOString() };
    expect(await cache.get('k', async () => fresh)).toBe(fresh);
    expect(calls).toBe(1);
  });

  it('after a delete() during a mint, a new mint for the key is not disturbed by the old one ending', async () => {
    const cache = new JwtCache({ now: () => START });
    const old = deferred<CachedJwt>();
    const next = deferred<CachedJwt>();
    const first = cache.get('k', () => old.promise);
    cache.delete('k');
    const second = cache.get('k', () => next.promise);
    // A third get shares the second mint, even after the old one settles.
    old.resolve({ jwt: 'old', expire: new Date(START + LIFETIME_MS).toISOString() });
    await first;
    let thirdMints = 0;
    const third = cache.get('k', async () => {
      thirdMints += 1;
      return { jwt: 'third', expire: new Date(START + LIFETIME_MS).toISOString() };
    });
    next.resolve({ jwt: 'new', expire: new Date(START + LIFETIME_MS).toISOString() });
    expect((await second).jwt).toBe('new');
    expect((await third).jwt).toBe('new');
    expect(thirdMints).toBe(0);
    expect((await cache.get('k', async () => ({ jwt: 'x', expire: '' }))).jwt).toBe('new');
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const { cache, mint, calls } = setup({ maxEntries: 2 });
    await cache.get('a', mint);
    await cache.get('b', mint);
    await cache.get('c', mint);
    expect(cache.size).toBe(2);
    expect(calls()).toBe(3);
    // b and c are still cached; a was evicted and mints again (which in turn evicts b).
    expect((await cache.get('c', mint)).jwt).toBe('jwt-3');
    expect(calls()).toBe(3);
    expect((await cache.get('a', mint)).jwt).toBe('jwt-4');
    expect(calls()).toBe(4);
    expect((await cache.get('c', mint)).jwt).toBe('jwt-3');
    expect((await cache.get('b', mint)).jwt).toBe('jwt-5');
    expect(cache.size).toBe(2);
  });

  it('counts a re-minted key as the newest entry', async () => {
    const { clock, cache, mint } = setup({ maxEntries: 2 });
    await cache.get('a', mint); // jwt-1, expires START + 15 min
    clock.now = START + 60_000;
    await cache.get('b', mint); // jwt-2, expires a minute later
    clock.now = START + LIFETIME_MS - JWT_MIN_REMAINING_MS; // a is due, b is not
    expect((await cache.get('a', mint)).jwt).toBe('jwt-3');
    await cache.get('c', mint); // jwt-4: evicts b, the oldest now
    expect((await cache.get('a', mint)).jwt).toBe('jwt-3');
    expect((await cache.get('b', mint)).jwt).toBe('jwt-5');
  });
});

describe('hashSecret', () => {
  it('returns the hex SHA-256 of the secret', async () => {
    expect(await hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('returns 64 lowercase hex characters that differ per secret and never contain it', async () => {
    const one = await hashSecret('session-secret-one');
    const two = await hashSecret('session-secret-two');
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two).toMatch(/^[0-9a-f]{64}$/);
    expect(one).not.toBe(two);
    expect(await hashSecret('session-secret-one')).toBe(one);
  });
});

describe('jwtExpiry', () => {
  it.each([
    ['a string exp', { exp: '2000000000' }],
    ['an exp beyond what a number holds', '{"exp":1e400}'],
    ['no exp', { userId: 'u' }],
  ])('is undefined for %s', (_, payload) => {
    const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString(
      'base64url',
    );
    expect(jwtExpiry(`e30.${body}.sig`)).toBeUndefined();
  });

  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = (payload: unknown) => `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(payload)}.sig`;

  it('reads exp (seconds) from the payload as a Date', () => {
    expect(jwtExpiry(jwt({ userId: 'u1', exp: 1_900_000_000 }))).toStrictEqual(new Date(1_900_000_000_000));
  });

  it('decodes base64url payloads (with - and _) without padding', () => {
    const payload = { exp: 1_700_000_000, sub: '??>??>~~~' };
    const encoded = segment(payload);
    expect(encoded).toMatch(/[-_]/);
    expect(encoded.endsWith('=')).toBe(false);
    expect(jwtExpiry(`h.${encoded}.s`)).toStrictEqual(new Date(1_700_000_000_000));
  });

  it.each([
    ['an empty string', ''],
    ['a string without dots', 'garbage'],
    ['an empty payload segment', 'a..c'],
    ['a payload that is not base64', 'a.!!!.c'],
    ['a payload that is not JSON', `a.${Buffer.from('not json').toString('base64url')}.c`],
    ['a JSON null payload', `a.${Buffer.from('null').toString('base64url')}.c`],
    ['a payload without exp', jwt({ userId: 'u1' })],
    ['a string exp', jwt({ exp: '1900000000' })],
    ['a null exp', jwt({ exp: null })],
  ])('returns undefined for %s', (_, token) => {
    expect(jwtExpiry(token)).toBeUndefined();
  });
});
