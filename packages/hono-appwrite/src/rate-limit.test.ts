// The request-level helpers of the rate limiter, each inside one request to a bare Hono app: no
// emulator and no routes (the limited routes are test/worker/rate-limit.test.ts's).
import { createHmac } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppwriteHttpError } from './errors.ts';
import {
  clientIp,
  emailKey,
  MemoryRateLimitStore,
  rateLimit,
  requestIp,
  resetRateLimit,
} from './rate-limit.ts';
import type { Limit, RateLimiter } from './settings.ts';
import type { RoutesEnv, RoutesState } from './types.ts';

const API_KEY = 'standard_key';
const SETTINGS = { apiKey: API_KEY } as RoutesState;
const HOUR = Date.parse('2030-01-01T10:00:00.000Z');
const LIMIT: Limit = { limit: 10, windowSeconds: 3600 };

/** A limiter on a memory store whose calls are recorded; the peer address comes from `x-test-peer`. */
const limiterWith = (options: Partial<RateLimiter> = {}) => {
  const memory = new MemoryRateLimitStore();
  const store = {
    hit: vi.fn(memory.hit.bind(memory)),
    reset: vi.fn(memory.reset.bind(memory)),
  };
  const limiter: RateLimiter = {
    store,
    limits: { login: LIMIT, oauthCallback: LIMIT },
    ipHeader: undefined,
    clientAddress: (c) => c.req.header('x-test-peer'),
    now: () => HOUR,
    ...options,
  };
  return { limiter, store };
};

/** What `fn` returns or throws with the Context of one request to an app using `limiter`. */
const inRequest = async <T>(
  limiter: RateLimiter | undefined,
  fn: (c: Context<RoutesEnv>) => T | Promise<T>,
  headers: Record<string, string> = {},
): Promise<T> => {
  let outcome: PromiseSettledResult<T> | undefined;
  const app = new Hono<RoutesEnv>().get('/', async (c) => {
    c.set('authRoutes', { ...SETTINGS, rateLimiter: limiter });
    [outcome] = await Promise.allSettled([(async () => fn(c))()]);
    return c.body(null, 204);
  });
  await app.request('http://127.0.0.1/', { headers });
  if (!outcome) throw new Error('the request never reached the handler');
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
};

describe('clientIp', () => {
  const peer = (c: Context) => c.req.header('x-test-peer');

  it.each<{ name: string; headers: Record<string, string>; expected: string }>([
    {
      name: 'takes the last X-Forwarded-For entry, the one the trusted proxy added',
      headers: { 'x-forwarded-for': '192.0.2.1, 192.0.2.2, 203.0.113.7' },
      expected: '203.0.113.7',
    },
    {
      name: 'takes a single X-Forwarded-For entry',
      headers: { 'x-forwarded-for': '203.0.113.7' },
      expected: '203.0.113.7',
    },
    {
      name: 'answers unknown when the configured X-Forwarded-For is missing',
      headers: {},
      expected: 'unknown',
    },
  ])('$name', async ({ headers, expected }) => {
    await expect(inRequest(undefined, (c) => clientIp(c, 'X-Forwarded-For', peer), headers)).resolves.toBe(
      expected,
    );
  });

  it.each([
    { value: ' 203.0.113.7 ', expected: '203.0.113.7' },
    // A header meant to hold one address is taken whole: a list there is no address.
    { value: '203.0.113.7, 198.51.100.2', expected: 'unknown' },
  ])('takes another configured header whole: $value → $expected', async ({ value, expected }) => {
    const headers = { 'cf-connecting-ip': value, 'x-test-peer': '198.51.100.9' };
    await expect(inRequest(undefined, (c) => clientIp(c, 'CF-Connecting-IP', peer), headers)).resolves.toBe(
      expected,
    );
  });

  it('without a configured header, takes the peer address and ignores X-Forwarded-For', async () => {
    const headers = { 'x-test-peer': '::ffff:198.51.100.1', 'x-forwarded-for': '203.0.113.7' };
    await expect(inRequest(undefined, (c) => clientIp(c, undefined, peer), headers)).resolves.toBe(
      '198.51.100.1',
    );
  });

  it.each([
    {
      name: 'the peer address cannot be read',
      clientAddress: () => {
        throw new Error('getConnInfo: not a Node request');
      },
    },
    { name: 'there is no way to read the peer address', clientAddress: undefined },
    { name: 'the peer address is none', clientAddress: () => undefined },
  ])('answers unknown when $name', async ({ clientAddress }) => {
    await expect(inRequest(undefined, (c) => clientIp(c, undefined, clientAddress))).resolves.toBe('unknown');
  });
});

describe('requestIp', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.10.20.30', '127.10.20.30'],
    ['::1', '0:0:0:0::/64'],
  ])(
    'warns once, naming rateLimit.ipHeader, when clients connect from the loopback address %s',
    async (address, ip) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const { limiter } = limiterWith();
      for (let i = 0; i < 2; i++) {
        await expect(inRequest(limiter, requestIp, { 'x-test-peer': address })).resolves.toBe(ip);
      }
      expect(warn).toHaveBeenCalledExactlyOnceWith(
        'rate limits: a client connected from a loopback address. Behind a proxy, set rateLimit.ipHeader to the header it adds, or all clients share one budget.',
      );
    },
  );

  it.each([
    ['198.51.100.1', '198.51.100.1'],
    ['fe80::1', 'fe80:0:0:0::/64'],
  ])('does not warn for the address %s', async (address, ip) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { limiter } = limiterWith();
    await expect(inRequest(limiter, requestIp, { 'x-test-peer': address })).resolves.toBe(ip);
    expect(warn).not.toHaveBeenCalled();
  });

  it('does not warn for a loopback address read from the configured client-IP header', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { limiter } = limiterWith({ ipHeader: 'X-Forwarded-For' });
    const headers = { 'x-forwarded-for': '127.0.0.1', 'x-test-peer': '127.0.0.1' };
    await expect(inRequest(limiter, requestIp, headers)).resolves.toBe('127.0.0.1');
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('emailKey', () => {
  it('is the hex HMAC-SHA256, under the API key, of the trimmed and lower-cased address', async () => {
    const expected = createHmac('sha256', API_KEY).update('user-a@example.com').digest('hex');
    await expect(inRequest(undefined, (c) => emailKey(c, '  User-A@Example.COM '))).resolves.toBe(expected);
  });
});

describe('rateLimit', () => {
  it('counts the request under the rule and the client IP, and returns that key', async () => {
    const { limiter, store } = limiterWith();
    await expect(
      inRequest(limiter, (c) => rateLimit(c, 'login'), { 'x-test-peer': '198.51.100.7' }),
    ).resolves.toBe('login:198.51.100.7');
    expect(store.hit).toHaveBeenCalledExactlyOnceWith('login:198.51.100.7', LIMIT, HOUR);
  });

  it('keys on the given parts, joined with colons, instead of the client IP', async () => {
    const { limiter, store } = limiterWith();
    await expect(
      inRequest(limiter, (c) => rateLimit(c, 'oauthCallback', ['198.51.100.7', 'user-a'])),
    ).resolves.toBe('oauthCallback:198.51.100.7:user-a');
    expect(store.hit).toHaveBeenCalledExactlyOnceWith('oauthCallback:198.51.100.7:user-a', LIMIT, HOUR);
  });

  it('fails closed: a store that cannot answer is a 503 general_service_unavailable, with its error as cause', async () => {
    const down = new Error('connection refused');
    const { limiter } = limiterWith({
      store: { hit: () => Promise.reject(down), reset: () => Promise.resolve() },
    });
    const limited = inRequest(limiter, (c) => rateLimit(c, 'login'));
    await expect(limited).rejects.toBeInstanceOf(AppwriteHttpError);
    await expect(limited).rejects.toMatchObject({
      status: 503,
      type: 'general_service_unavailable',
      message: 'The rate limiter is unavailable. Please try again shortly.',
      cause: down,
    });
  });
});

describe('resetRateLimit', () => {
  it("forgets the key's counter under the rule's limit, at the limiter's clock", async () => {
    const { limiter, store } = limiterWith();
    await inRequest(limiter, (c) => resetRateLimit(c, 'oauthCallback', 'oauthCallback:198.51.100.7:user-a'));
    expect(store.reset).toHaveBeenCalledExactlyOnceWith('oauthCallback:198.51.100.7:user-a', LIMIT, HOUR);
  });

  it.each([
    { name: 'the rule is disabled', rule: 'jwt', key: 'jwt:198.51.100.7' },
    { name: 'no key was counted', rule: 'oauthCallback', key: undefined },
  ] as const)('leaves the store alone when $name', async ({ rule, key }) => {
    const { limiter, store } = limiterWith();
    await inRequest(limiter, (c) => resetRateLimit(c, rule, key));
    expect(store.reset).not.toHaveBeenCalled();
  });

  it('resolves when the store cannot reset: the success it follows stands', async () => {
    const { limiter } = limiterWith({
      store: {
        hit: () => Promise.reject(new Error('unused')),
        reset: () => Promise.reject(new Error('connection refused')),
      },
    });
    await expect(
      inRequest(limiter, (c) => resetRateLimit(c, 'oauthCallback', 'oauthCallback:198.51.100.7:user-a')),
    ).resolves.toBeUndefined();
  });
});
