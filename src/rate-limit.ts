// Abuse limits for the routes that create credentials. The worker calls Appwrite with an API key,
// and an API key bypasses Appwrite's own rate limits (contract §7), so the worker must count itself.
import type { Context } from 'hono';
import { toHex } from './appwrite/jwt-cache.ts';
import { AppwriteHttpError } from './errors.ts';
import type { AppEnv } from './types.ts';

/** A limit: at most `limit` requests per fixed window of `windowSeconds`. */
export type Limit = { limit: number; windowSeconds: number };

/**
 * The limited actions, each with its default. Where Appwrite limits the same action its numbers are
 * used (contract §7); login per IP follows better-auth's sign-in limit (3 per 10 s), over a minute.
 */
export const RATE_LIMIT_DEFAULTS = {
  /** `POST /auth/login`, per client IP. A successful login does not reset it. */
  login: { limit: 10, windowSeconds: 60 },
  /** `POST /auth/login`, per email: Appwrite's own 10 per hour; a successful login resets it. */
  loginEmail: { limit: 10, windowSeconds: 3600 },
  /** `POST /auth/signup` and `POST /auth/upgrade`, per client IP: Appwrite's `POST /account`. */
  signup: { limit: 10, windowSeconds: 3600 },
  /** `POST /auth/anonymous`, per client IP: Appwrite's anonymous sessions. */
  guest: { limit: 50, windowSeconds: 3600 },
  /**
   * `GET /auth/oauth/:provider` and `GET /auth/oauth/callback`, per client IP: a sign-in is both,
   * so 50 sign-ins an hour, Appwrite's limit on its OAuth2 routes.
   */
  oauth: { limit: 100, windowSeconds: 3600 },
  /** `GET /auth/oauth/callback`, per client IP and user id: Appwrite's token sessions; success resets it. */
  oauthCallback: { limit: 10, windowSeconds: 3600 },
  /** `POST /auth/jwt`, per client IP: Appwrite 1.9's 120 per minute for `POST /account/jwts`. */
  jwt: { limit: 120, windowSeconds: 60 },
} as const satisfies Record<string, Limit>;

export type RateLimitRule = keyof typeof RATE_LIMIT_DEFAULTS;

/** What a store answers for one counted request. */
export type Hit = {
  /** Whether the request is within the limit. A refused request is not counted (as in Appwrite). */
  allowed: boolean;
  /** Requests counted in the current window, this one included when allowed. */
  count: number;
  /** When the current window ends, in Unix milliseconds. */
  resetAt: number;
};

/**
 * Where counters live. `hit` must check and count atomically: of N concurrent requests on one key,
 * exactly `limit - count` pass. Keys are opaque strings without secrets (emails are hashed).
 */
export interface RateLimitStore {
  hit(key: string, limit: Limit, now: number): Promise<Hit>;
  /** Forgets a key's counter for its current window (a successful login). */
  reset(key: string, limit: Limit, now: number): Promise<void>;
}

/** End of the fixed window `now` falls in (Unix ms): windows are aligned to the epoch, as Appwrite's. */
export const windowEnd = (limit: Limit, now: number): number => {
  const size = limit.windowSeconds * 1000;
  return now - (now % size) + size;
};

/**
 * Counters in this process's memory: the default, right for one process (or one Workers isolate,
 * where it only slows an attacker down). Bounded: expired windows are swept, and past `maxKeys` the
 * oldest counters are dropped, so a flood of distinct keys costs memory, not availability.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counters = new Map<string, { count: number; resetAt: number }>();
  readonly #maxKeys: number;
  #nextSweep = 0;

  constructor(options: { maxKeys?: number } = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  async hit(key: string, limit: Limit, now: number): Promise<Hit> {
    this.#sweep(now);
    const resetAt = windowEnd(limit, now);
    const id = `${key}|${resetAt}`;
    const counter = this.#counters.get(id) ?? { count: 0, resetAt };
    if (counter.count >= limit.limit) return { allowed: false, count: counter.count, resetAt };
    counter.count += 1;
    this.#counters.set(id, counter);
    while (this.#counters.size > this.#maxKeys) {
      const oldest = this.#counters.keys().next().value;
      if (oldest === undefined) break;
      this.#counters.delete(oldest);
    }
    return { allowed: true, count: counter.count, resetAt };
  }

  async reset(key: string, limit: Limit, now: number): Promise<void> {
    this.#counters.delete(`${key}|${windowEnd(limit, now)}`);
  }

  /** Counters held, expired ones included until the next sweep. */
  get size(): number {
    return this.#counters.size;
  }

  /** At most once a second, drops every counter whose window has ended. */
  #sweep(now: number) {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 1000;
    for (const [id, counter] of this.#counters) if (counter.resetAt <= now) this.#counters.delete(id);
  }
}

/** 429 `general_rate_limit_exceeded` with Appwrite's message; `Retry-After` is set by `onError`. */
export class RateLimitError extends AppwriteHttpError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(
      429,
      'general_rate_limit_exceeded',
      'Rate limit for the current endpoint has been exceeded. Please try again after some time.',
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 503 when the store cannot answer: limits fail closed, so an outage never turns them off. */
const storeUnavailable = (cause: unknown) =>
  new AppwriteHttpError(
    503,
    'general_service_unavailable',
    'The rate limiter is unavailable. Please try again shortly.',
    { cause },
  );

/**
 * The client's IP address as a rate-limit key. With `header` set (a header your proxy or platform
 * sets and the client cannot, e.g. `CF-Connecting-IP`), its value; for `X-Forwarded-For` the last
 * entry, the one the proxy in front added. Otherwise the socket's peer address from `connInfo`.
 * IPv6 addresses are cut to their /64, which one client usually holds whole.
 */
export const clientIp = (
  c: Context,
  header: string | undefined,
  connInfo: ((c: Context) => string | undefined) | undefined,
): string => {
  let ip: string | undefined;
  if (header) {
    const value = c.req.header(header);
    ip = header.toLowerCase() === 'x-forwarded-for' ? value?.split(',').at(-1) : value;
  } else {
    try {
      ip = connInfo?.(c);
    } catch {
      ip = undefined;
    }
  }
  return normalizeIp(ip?.trim() ?? '') ?? 'unknown';
};

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/**
 * A canonical form of an IP address (IPv6 as its /64 prefix), or undefined if it is not one. A port
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`, as some load balancers write them) is dropped.
 */
export const normalizeIp = (value: string): string | undefined => {
  const withoutPort =
    /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(value)?.[1] ?? /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value)?.[1];
  if (withoutPort !== undefined) return normalizeIp(withoutPort);
  if (IPV4.test(value)) {
    const parts = value.split('.').map(Number);
    return parts.every((part) => part <= 255) ? parts.join('.') : undefined;
  }
  const bare = value.replace(/%.*$/, '');
  if (!/^[0-9a-f:.]{2,45}$/i.test(bare) || !bare.includes(':')) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped?.[1]) return normalizeIp(mapped[1]);
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
};

/** How the app counts: the store, the limits in force, the client-IP source and the clock. */
export type RateLimiter = {
  store: RateLimitStore;
  limits: Partial<Record<RateLimitRule, Limit>>;
  ipHeader: string | undefined;
  connInfo: ((c: Context) => string | undefined) | undefined;
  now: () => number;
  /** Set once the loopback warning of {@link requestIp} was logged. */
  warnedLoopback?: boolean;
};

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|0:0:0:0::\/64)$/;

/**
 * The client IP of this request, as the app's limiter sees it. Warns once when it is a loopback
 * peer and no `CLIENT_IP_HEADER` is set: behind a local proxy every client would share one budget.
 */
export const requestIp = (c: Context<AppEnv>): string => {
  const limiter = c.get('rateLimiter');
  const ip = clientIp(c, limiter?.ipHeader, limiter?.connInfo);
  if (limiter && !limiter.ipHeader && !limiter.warnedLoopback && LOOPBACK.test(ip)) {
    limiter.warnedLoopback = true;
    console.warn(
      'rate limits: a client connected from a loopback address. Behind a proxy, set CLIENT_IP_HEADER (see README "Security"), or all clients share one budget.',
    );
  }
  return ip;
};

const emailKeys = new Map<string, Promise<CryptoKey>>();

/**
 * The rate-limit key of an email: HMAC-SHA256 under the API key (which every instance of a fleet
 * shares), so counters in Redis or a Durable Object hold no address and no reversible hash of one.
 */
export const emailKey = async (c: Context<AppEnv>, email: string): Promise<string> => {
  const secret = c.get('config').APPWRITE_API_KEY;
  let key = emailKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    emailKeys.clear();
    emailKeys.set(secret, key);
  }
  const mac = await crypto.subtle.sign(
    'HMAC',
    await key,
    new TextEncoder().encode(email.trim().toLowerCase()),
  );
  return toHex(mac);
};

/**
 * Counts one request against `rule` for the key `parts` (joined; the client IP unless given) and
 * throws {@link RateLimitError} when it is over. Sets Appwrite's `X-RateLimit-*` headers either way.
 * Returns the key used, for {@link resetRateLimit}. A rule without a limit (disabled) passes.
 */
export const rateLimit = async (
  c: Context<AppEnv>,
  rule: RateLimitRule,
  parts?: readonly string[],
): Promise<string | undefined> => {
  const limiter = c.get('rateLimiter');
  const limit = limiter?.limits[rule];
  if (!limiter || !limit) return undefined;
  const key = `${rule}:${(parts ?? [requestIp(c)]).join(':')}`;
  const now = limiter.now();
  let hit: Hit;
  try {
    hit = await limiter.store.hit(key, limit, now);
  } catch (error) {
    throw storeUnavailable(error);
  }
  // With several rules on one route (login: IP and email), the headers show the tightest, and on
  // a refusal the refusing rule's, so that they agree with Retry-After.
  const remaining = Math.max(0, limit.limit - hit.count);
  if (!hit.allowed || remaining < (c.get('rateLimitRemaining') ?? Number.POSITIVE_INFINITY)) {
    c.set('rateLimitRemaining', remaining);
    c.header('X-RateLimit-Limit', String(limit.limit));
    c.header('X-RateLimit-Remaining', String(remaining));
    c.header('X-RateLimit-Reset', String(Math.ceil(hit.resetAt / 1000)));
  }
  if (!hit.allowed) throw new RateLimitError(Math.max(1, Math.ceil((hit.resetAt - now) / 1000)));
  return key;
};

/** Resets a counter after a success that should clear it (login per email, OAuth callback). */
export const resetRateLimit = async (c: Context<AppEnv>, rule: RateLimitRule, key: string | undefined) => {
  const limiter = c.get('rateLimiter');
  const limit = limiter?.limits[rule];
  if (!limiter || !limit || !key) return;
  try {
    await limiter.store.reset(key, limit, limiter.now());
  } catch {
    // The sign-in succeeded; a counter left standing only delays this user's next one.
  }
};
