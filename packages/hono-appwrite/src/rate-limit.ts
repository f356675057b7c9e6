// Abuse limits for the routes that create credentials. They call Appwrite with an API key, and an
// API key bypasses Appwrite's own rate limits, so the routes must count themselves.
import type { Context } from 'hono';
import { toHex } from './appwrite/jwt-cache.ts';
import { AppwriteHttpError } from './errors.ts';
import {
  type Hit,
  type Limit,
  RATE_LIMIT_DEFAULTS,
  type RateLimiter,
  type RateLimitOptions,
  type RateLimitRule,
  type RateLimitStore,
} from './settings.ts';
import type { RoutesEnv } from './types.ts';

/**
 * The limiter of the auth routes: the store (default one in memory) and each rule's limit (its
 * default unless overridden; none for a rule set to `false`). `undefined` when limits are off.
 */
export const rateLimiterOf = (options: RateLimitOptions | false): RateLimiter | undefined => {
  if (options === false) return undefined;
  const limits: Partial<Record<RateLimitRule, Limit>> = {};
  for (const rule of Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitRule[]) {
    const override = options.rules?.[rule];
    if (override === false) continue;
    if (override !== undefined && !validLimit(override)) {
      throw new Error(
        `authRoutes: \`rateLimit.rules.${rule}\` must be {limit, windowSeconds} (positive integers) or false`,
      );
    }
    limits[rule] = override ?? RATE_LIMIT_DEFAULTS[rule];
  }
  if (options.ipHeader !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(options.ipHeader)) {
    throw new Error('authRoutes: `rateLimit.ipHeader` must be a header name');
  }
  for (const name of ['clientAddress', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new Error(`authRoutes: \`rateLimit.${name}\` must be a function`);
    }
  }
  if (
    options.store !== undefined &&
    (typeof options.store?.hit !== 'function' || typeof options.store.reset !== 'function')
  ) {
    throw new Error('authRoutes: `rateLimit.store` must be a RateLimitStore (hit and reset)');
  }
  return {
    store: options.store ?? new MemoryRateLimitStore(),
    limits,
    ipHeader: options.ipHeader,
    clientAddress: options.clientAddress,
    now: options.now ?? Date.now,
  };
};

const validLimit = (value: unknown): value is Limit =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as Limit).limit) &&
  (value as Limit).limit >= 1 &&
  Number.isSafeInteger((value as Limit).windowSeconds) &&
  (value as Limit).windowSeconds >= 1;

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

/** 429 `general_rate_limit_exceeded` with Appwrite's message and `Retry-After`. */
export class RateLimitError extends AppwriteHttpError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(
      429,
      'general_rate_limit_exceeded',
      'Rate limit for the current endpoint has been exceeded. Please try again after some time.',
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
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
 * entry, the one the proxy in front added. Otherwise the socket's peer address from `clientAddress`.
 * IPv6 addresses are cut to their /64, which one client usually holds whole.
 */
export const clientIp = (
  c: Context,
  header: string | undefined,
  clientAddress: ((c: Context) => string | undefined) | undefined,
): string => {
  let ip: string | undefined;
  if (header) {
    const value = c.req.header(header);
    ip = header.toLowerCase() === 'x-forwarded-for' ? value?.split(',').at(-1) : value;
  } else {
    try {
      ip = clientAddress?.(c);
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

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|0:0:0:0::\/64)$/;

/**
 * The client IP of this request, as the app's limiter sees it. Warns once when it is a loopback
 * peer and no `ipHeader` is set: behind a local proxy every client would share one budget.
 */
export const requestIp = (c: Context<RoutesEnv>): string => {
  const limiter = c.get('authRoutes').rateLimiter;
  const ip = clientIp(c, limiter?.ipHeader, limiter?.clientAddress);
  if (limiter && !limiter.ipHeader && !limiter.warnedLoopback && LOOPBACK.test(ip)) {
    limiter.warnedLoopback = true;
    console.warn(
      'rate limits: a client connected from a loopback address. Behind a proxy, set rateLimit.ipHeader to the header it adds, or all clients share one budget.',
    );
  }
  return ip;
};

const emailKeys = new Map<string, Promise<CryptoKey>>();

/**
 * The rate-limit key of an email: HMAC-SHA256 under the API key (which every instance of a fleet
 * shares), so counters in Redis or a Durable Object hold no address and no reversible hash of one.
 */
export const emailKey = async (c: Context<RoutesEnv>, email: string): Promise<string> => {
  const secret = c.get('authRoutes').apiKey;
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
  c: Context<RoutesEnv>,
  rule: RateLimitRule,
  parts?: readonly string[],
): Promise<string | undefined> => {
  const limiter = c.get('authRoutes').rateLimiter;
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
export const resetRateLimit = async (c: Context<RoutesEnv>, rule: RateLimitRule, key: string | undefined) => {
  const limiter = c.get('authRoutes').rateLimiter;
  const limit = limiter?.limits[rule];
  if (!limiter || !limit || !key) return;
  try {
    await limiter.store.reset(key, limit, limiter.now());
  } catch {
    // The sign-in succeeded; a counter left standing only delays this user's next one.
  }
};
