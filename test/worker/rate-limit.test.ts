// Abuse limits: the store contract (memory and a real Redis), every limited route through the app
// against the emulator, the client-IP rules, and two worker processes sharing one Redis budget.

import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import fc from 'fast-check';
import { MemoryRateLimitStore, type RateLimitStore } from 'hono-appwrite';
import { RedisRateLimitStore } from 'hono-appwrite/redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { normalizeIp, windowEnd } from '../../packages/hono-appwrite/src/rate-limit.ts';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { API_KEY, upstreamCalls as emulatorRequests, PROJECT } from '../support/demo.ts';
import { defineStoreContract } from '../support/rate-limit-store.ts';
import { freePort, type SpawnedServer, startScript } from '../support/servers.ts';

const redisUrl = inject('redisUrl');
const HOUR = Date.parse('2030-01-01T10:00:00.000Z');
const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const STORES: { name: string; make: () => Promise<RateLimitStore & { close?: () => Promise<void> }> }[] = [
  { name: 'memory', make: async () => new MemoryRateLimitStore() },
  ...(redisUrl ? [{ name: 'Redis', make: () => RedisRateLimitStore.connect(redisUrl) }] : []),
];
if (!redisUrl) console.warn('Redis store contract skipped: no redis-server (see test/setup/redis.ts).');

describe.each(STORES)('the $name store', ({ make }) => {
  let store: Awaited<ReturnType<typeof make>>;
  beforeAll(async () => {
    store = await make();
  });
  afterAll(async () => {
    await store.close?.();
  });
  defineStoreContract(() => store, 50);
});

describe('MemoryRateLimitStore', () => {
  it('holds for any sequence of requests (fast-check): never more than `limit` per window, never refuses below it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.record({ key: fc.constantFrom('a', 'b'), dt: fc.integer({ min: 0, max: 40_000 }) }), {
          maxLength: 60,
        }),
        async (max, windowSeconds, steps) => {
          const store = new MemoryRateLimitStore();
          const limit = { limit: max, windowSeconds };
          const allowed = new Map<string, number>();
          let now = HOUR;
          for (const { key, dt } of steps) {
            now += dt;
            const id = `${key}|${windowEnd(limit, now)}`;
            const before = allowed.get(id) ?? 0;
            const hit = await store.hit(key, limit, now);
            expect(hit.allowed).toBe(before < max);
            expect(hit.resetAt).toBe(windowEnd(limit, now));
            expect(hit.resetAt % (windowSeconds * 1000)).toBe(0);
            expect(hit.resetAt).toBeGreaterThan(now);
            if (hit.allowed) allowed.set(id, before + 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sweeps ended windows and stays within maxKeys', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 100 });
    const limit = { limit: 1, windowSeconds: 1 };
    for (let i = 0; i < 1000; i++) await store.hit(`k${i}`, limit, HOUR);
    expect(store.size).toBe(100);
    await store.hit('later', limit, HOUR + 5_000);
    expect(store.size).toBe(1);
  });

  it('sweeps a counter whose window ends at the instant of the sweep', async () => {
    const store = new MemoryRateLimitStore();
    const limit = { limit: 1, windowSeconds: 1 };
    await store.hit('a', limit, HOUR); // sweeps; 'a' ends, and the next sweep is due, at HOUR + 1 s
    await store.hit('b', limit, HOUR + 1_000);
    expect(store.size).toBe(1);
  });

  it('sweeps at most once a second: an ended window is held until the next sweep', async () => {
    const store = new MemoryRateLimitStore();
    const limit = { limit: 1, windowSeconds: 1 };
    await store.hit('a', limit, HOUR + 500); // sweeps; 'a' ends at HOUR + 1 s, the next sweep is due at + 1.5 s
    await store.hit('b', limit, HOUR + 1_200);
    expect(store.size).toBe(2);
    await store.hit('c', limit, HOUR + 1_500); // sweeps 'a'
    expect(store.size).toBe(2);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['[2001:0DB8:0001:0002::1]', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['203.0.113.7:5678', '203.0.113.7'],
    ['[2001:db8:1:2::99]:443', '2001:db8:1:2::/64'],
    ['010.000.000.001', '10.0.0.1'],
    ['203.0.113.255', '203.0.113.255'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['2001:db8:1:2:3:4::abcd', '2001:db8:1:2::/64'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    '',
    'unknown',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.1.2.3.4:80',
    '1.2.3.4:123456',
    '1:2:3',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8:9',
    'g::1',
    '12345::1',
    '2001:db8::12345',
    '1::ffff:1.2.3.4',
    '::ffff:1.2.3.4.5',
    'for=[2001:db8::1]',
    '[2001:db8::1]:123456',
    '1.2.3.4, 5.6.7.8',
  ])('refuses %j', (input) => {
    expect(normalizeIp(input)).toBeUndefined();
  });
});

describe('limited routes', () => {
  let emulator: AppwriteEmulator;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator({});
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const upstreamCalls = () => emulatorRequests(emulator.origin);

  /** An app on a clock the test moves; the peer address comes from `x-test-peer` (a fake socket). */
  const setup = (env: Record<string, string> = {}) => {
    const clock = { now: HOUR + 1_000 };
    const app = createApp(
      parseConfig({
        APPWRITE_ENDPOINT: emulator.endpoint,
        APPWRITE_PROJECT_ID: PROJECT,
        APPWRITE_API_KEY: API_KEY,
        OAUTH_PROVIDERS: 'github',
        ...env,
      }),
      { now: () => clock.now, connInfo: (c) => c.req.header('x-test-peer') },
    );
    const send = (path: string, init: RequestInit & { peer?: string } = {}) => {
      const headers = new Headers(init.headers);
      headers.set('x-test-peer', init.peer ?? '198.51.100.1');
      return app.request(`http://127.0.0.1${path}`, { ...init, headers });
    };
    const login = (email: string, password: string, init: RequestInit & { peer?: string } = {}) =>
      send('/auth/login', {
        method: 'POST',
        body: JSON.stringify({ email, password }),
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });
    return { clock, app, send, login };
  };

  const expect429 = async (response: Response, retryAfter: number) => {
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      message: 'Rate limit for the current endpoint has been exceeded. Please try again after some time.',
      code: 429,
      type: 'general_rate_limit_exceeded',
    });
    expect(response.headers.get('Retry-After')).toBe(String(retryAfter));
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(response.headers.getSetCookie().filter((cookie) => cookie.startsWith('a_session_demo='))).toEqual(
      [],
    );
  };

  it('limits logins per client IP; a successful login does not reset it; the next window opens', async () => {
    const { clock, login } = setup();
    for (let i = 0; i < 9; i++) {
      const wrong = await login(`nobody-${i}@example.com`, 'wrong-password');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('X-RateLimit-Limit')).toBe('10');
      expect(wrong.headers.get('X-RateLimit-Remaining')).toBe(String(9 - i));
      expect(wrong.headers.get('X-RateLimit-Reset')).toBe(String((HOUR + 60_000) / 1000));
    }
    expect((await login('user-a@example.com', 'password-a')).status).toBe(200);
    const before = await upstreamCalls();
    // 59 s left in the window: Retry-After says so. Refused before Appwrite is called.
    await expect429(await login('user-a@example.com', 'password-a'), 59);
    expect(await upstreamCalls()).toBe(before);
    // Another client IP has its own budget.
    expect((await login('user-a@example.com', 'password-a', { peer: '198.51.100.2' })).status).toBe(200);
    clock.now = HOUR + 60_000;
    expect((await login('user-a@example.com', 'password-a')).status).toBe(200);
  });

  it('limits logins per email across client IPs (Appwrite: 10 per hour); success resets that count', async () => {
    const { clock, login } = setup();
    const email = `victim-${unique()}@example.com`;
    for (let i = 0; i < 10; i++) {
      expect((await login(email, 'wrong-password', { peer: `198.51.100.${10 + i}` })).status).toBe(401);
    }
    clock.now = HOUR + 30 * 60_000;
    await expect429(await login(email, 'wrong-password', { peer: '198.51.100.99' }), 30 * 60);
    // The same for a different spelling of the address.
    await expect429(await login(email.toUpperCase(), 'wrong-password', { peer: '198.51.100.98' }), 30 * 60);

    // user-b: 9 wrong attempts, then the right password resets the per-email count.
    for (let i = 0; i < 9; i++) {
      expect((await login('user-b@example.com', 'nope-nope', { peer: `203.0.113.${i}` })).status).toBe(401);
    }
    expect((await login('user-b@example.com', 'password-b', { peer: '203.0.113.50' })).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await login('user-b@example.com', 'nope-nope', { peer: `203.0.113.${60 + i}` })).status).toBe(
        401,
      );
    }
    expect((await login('user-b@example.com', 'password-b', { peer: '203.0.113.80' })).status).toBe(429);
  });

  it('ignores a client-supplied X-Forwarded-For unless it is the configured header', async () => {
    const { login } = setup({ RATE_LIMIT_LOGIN: '2/60' });
    for (let i = 0; i < 2; i++) {
      expect(
        (await login('user-a@example.com', 'password-a', { headers: { 'x-forwarded-for': `10.0.0.${i}` } }))
          .status,
      ).toBe(200);
    }
    expect(
      (await login('user-a@example.com', 'password-a', { headers: { 'x-forwarded-for': '10.0.0.9' } }))
        .status,
    ).toBe(429);
  });

  it('with CLIENT_IP_HEADER=X-Forwarded-For, keys on the entry the trusted proxy added (the last)', async () => {
    const { login } = setup({ RATE_LIMIT_LOGIN: '2/60', CLIENT_IP_HEADER: 'X-Forwarded-For' });
    const via = (spoofed: string, real: string) => ({
      headers: { 'x-forwarded-for': `${spoofed}, ${real}` },
    });
    expect((await login('user-a@example.com', 'password-a', via('1.1.1.1', '192.0.2.7'))).status).toBe(200);
    expect((await login('user-a@example.com', 'password-a', via('2.2.2.2', '192.0.2.7'))).status).toBe(200);
    expect((await login('user-a@example.com', 'password-a', via('3.3.3.3', '192.0.2.7'))).status).toBe(429);
    expect((await login('user-a@example.com', 'password-a', via('3.3.3.3', '192.0.2.8'))).status).toBe(200);
  });

  it('counts a whole IPv6 /64 as one client', async () => {
    const { login } = setup({ RATE_LIMIT_LOGIN: '2/60' });
    expect((await login('user-a@example.com', 'password-a', { peer: '2001:db8:5:6::1' })).status).toBe(200);
    expect((await login('user-a@example.com', 'password-a', { peer: '2001:db8:5:6::2' })).status).toBe(200);
    expect((await login('user-a@example.com', 'password-a', { peer: '2001:db8:5:6:ffff::3' })).status).toBe(
      429,
    );
    expect((await login('user-a@example.com', 'password-a', { peer: '2001:db8:5:7::1' })).status).toBe(200);
  });

  it('sends a form post over the limit back to the login page with the error, without a cookie', async () => {
    const { send } = setup({ RATE_LIMIT_LOGIN: '1/60' });
    const form = () =>
      send('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1' },
        body: new URLSearchParams({ email: 'user-a@example.com', password: 'password-a' }),
      });
    expect((await form()).status).toBe(303);
    const limited = await form();
    expect(limited.status).toBe(303);
    expect(limited.headers.get('location')).toBe('/login?error=general_rate_limit_exceeded');
    expect(limited.headers.getSetCookie().some((cookie) => cookie.startsWith('a_session_demo='))).toBe(false);
  });

  /** A session cookie for user-a, through an app without limits. */
  const sessionCookie = async () => {
    const { login } = setup({ RATE_LIMIT_STORE: 'off' });
    const response = await login('user-a@example.com', 'password-a');
    return response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  };

  it.each([
    {
      rule: 'SIGNUP',
      request: () => ({
        path: '/auth/signup',
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `new-${unique()}@example.com`, password: 'password-new' }),
        },
      }),
      ok: 201,
    },
    { rule: 'GUEST', request: () => ({ path: '/auth/anonymous', init: { method: 'POST' } }), ok: 201 },
    { rule: 'OAUTH', request: () => ({ path: '/auth/oauth/github', init: {} }), ok: 302 },
  ])('limits $rule per client IP, before Appwrite is called', async ({ rule, request, ok }) => {
    const { send } = setup({ [`RATE_LIMIT_${rule}`]: '2/3600' });
    for (let i = 0; i < 2; i++) {
      const { path, init } = request();
      expect((await send(path, init)).status).toBe(ok);
    }
    const before = await upstreamCalls();
    const { path, init } = request();
    await expect429(await send(path, init), 3599);
    expect(await upstreamCalls()).toBe(before);
    const other = request();
    expect((await send(other.path, { ...other.init, peer: '192.0.2.200' })).status).toBe(ok);
  });

  it('limits JWT minting per client IP', async () => {
    const cookie = await sessionCookie();
    const { send } = setup({ RATE_LIMIT_JWT: '3/60' });
    for (let i = 0; i < 3; i++)
      expect((await send('/auth/jwt', { method: 'POST', headers: { cookie } })).status).toBe(200);
    await expect429(await send('/auth/jwt', { method: 'POST', headers: { cookie } }), 59);
  });

  it('limits guest upgrades with the sign-up budget', async () => {
    const { send } = setup({ RATE_LIMIT_SIGNUP: '1/3600', RATE_LIMIT_GUEST: 'off' });
    const guest = async () =>
      (await send('/auth/anonymous', { method: 'POST' })).headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const upgrade = async (cookie: string) =>
      send('/auth/upgrade', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `up-${unique()}@example.com`, password: 'password-up' }),
      });
    expect((await upgrade(await guest())).status).toBe(200);
    await expect429(await upgrade(await guest()), 3599);
  });

  it('limits OAuth callbacks per client IP and user id; a browser is sent to the login page', async () => {
    const { send } = setup({ RATE_LIMIT_OAUTH_CALLBACK: '2/3600' });
    // A real flow: the state cookie from the start, the consent page's redirect to the callback.
    const start = await send('/auth/oauth/github');
    const stateCookie = start.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const state = decodeURIComponent(stateCookie.split('=')[1] ?? '');
    const callback = (userId: string, accept = 'application/json') =>
      send(`/auth/oauth/callback?state=${state}&userId=${userId}&secret=${'ab'.repeat(32)}`, {
        headers: { cookie: stateCookie, accept },
      });
    expect((await callback('user-a')).status).toBe(401);
    expect((await callback('user-a')).status).toBe(401);
    await expect429(await callback('user-a'), 3599);
    const browser = await callback('user-a', 'text/html');
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/login?error=general_rate_limit_exceeded');
    // Another user id from the same IP is not affected.
    expect((await callback('user-b')).status).toBe(401);
  });

  it('fails closed: with the store down, limited routes answer 503 and set no cookie', async () => {
    const port = await freePort();
    const store = await RedisRateLimitStore.connect(`redis://127.0.0.1:${port}`, { commandTimeoutMs: 200 });
    try {
      const app = createApp(
        parseConfig({
          APPWRITE_ENDPOINT: emulator.endpoint,
          APPWRITE_PROJECT_ID: PROJECT,
          APPWRITE_API_KEY: API_KEY,
          RATE_LIMIT_STORE: 'redis',
          REDIS_URL: `redis://127.0.0.1:${port}`,
        }),
        { rateLimitStore: store },
      );
      const started = Date.now();
      const response = await app.request('http://127.0.0.1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
      });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        message: 'The rate limiter is unavailable. Please try again shortly.',
        code: 503,
        type: 'general_service_unavailable',
      });
      expect(response.headers.getSetCookie()).toEqual([]);
      // Routes without limits do not depend on the store.
      expect((await app.request('http://127.0.0.1/health')).status).toBe(200);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!redisUrl)('two worker processes on one Redis', { timeout: 60_000 }, () => {
  let emulator: AppwriteEmulator;
  const workers: SpawnedServer[] = [];
  beforeAll(async () => {
    emulator = await startAppwriteEmulator({});
    // A window no other test uses, so the shared Redis holds only this test's counts.
    const guestLimit = `5/${3000 + Math.floor(Math.random() * 500)}`;
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startScript('start', {
          APPWRITE_ENDPOINT: emulator.endpoint,
          APPWRITE_PROJECT_ID: PROJECT,
          APPWRITE_API_KEY: API_KEY,
          RATE_LIMIT_STORE: 'redis',
          REDIS_URL: redisUrl,
          RATE_LIMIT_GUEST: guestLimit,
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await emulator?.stop();
  });

  it('share one budget: 5 guest sign-ins in all, whichever process serves them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const worker = workers[i % 2];
      const response = await fetch(`${worker?.base}/auth/anonymous`, { method: 'POST' });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
  });
});
