// zod/mini: the same validation as zod, tree-shakable, so the Workers bundle carries only what is used.
import { type Limit, RATE_LIMIT_DEFAULTS, type RateLimitRule } from 'hono-appwrite';
import * as z from 'zod/mini';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for hosts that never leave the machine, where plain HTTP cannot be intercepted. */
export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/** A comma-separated list in one variable, trimmed, empties dropped. */
const list = <Item>(item: z.ZodMiniType<Item, string>) =>
  z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((value) =>
        (value ?? '')
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      ),
    ),
    z.array(item),
  );

/** An origin such as `https://app.example.com` (scheme, host, optional port; nothing else). */
const origin = z.pipe(
  z.url({ protocol: /^https?$/ }).check(
    z.refine((value) => {
      // zod runs refinements even after z.url() failed: never let `new URL` throw (its error holds the value).
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return url.origin !== 'null' && `${url.origin}/` === url.href.replace(/\/?$/, '/');
    }, 'expected an origin without path, query or fragment'),
  ),
  z.transform((value) => (URL.canParse(value) ? new URL(value).origin : value)),
);

/** Appwrite's custom ID rule: 1–36 of a-z A-Z 0-9 . - _, not starting with a special character. */
export const appwriteId = z.string().check(z.regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/));

/**
 * `<limit>/<seconds>` (e.g. `10/60`, both at least 1), or `off`; unset keeps the rule's default. A
 * `0` is refused rather than read as "off": someone who writes `0/60` means "block", not "no limit".
 */
const rateLimitValue = z.optional(
  z.pipe(
    z.string().check(z.regex(/^(?:off|[1-9]\d{0,6}\/[1-9]\d{0,5})$/)),
    z.transform((value): Limit | 'off' => {
      if (value === 'off') return 'off';
      const [limit, windowSeconds] = value.split('/').map(Number) as [number, number];
      return { limit, windowSeconds };
    }),
  ),
);

/**
 * The app's environment, validated once at start-up. Errors name the bad keys, never their values.
 *
 * - `APPWRITE_ENDPOINT` — e.g. `https://cloud.appwrite.io/v1`; HTTPS unless the host is loopback.
 * - `APPWRITE_PROJECT_ID`, `APPWRITE_API_KEY` (secret; used only for creating accounts and sessions).
 * - `PUBLIC_ORIGIN` — the app's public origin (OAuth return URLs, same-origin checks). Default: the
 *   origin of each request, which is right unless a proxy rewrites `Host`.
 * - `ALLOWED_ORIGINS` — extra origins (comma-separated) trusted for `next` redirects and for unsafe
 *   requests that carry cookies. Default: none (same origin only).
 * - `OAUTH_PROVIDERS` — enabled providers, comma-separated (e.g. `github,google`). Default: none.
 * - `SESSION_COOKIE_NAME` (default `a_session_<project id>`), `SESSION_COOKIE_DOMAIN` (default: host-only),
 *   `SESSION_COOKIE_SAMESITE` (`Lax` default, `Strict` or `None`).
 * - `LOGIN_PATH` — where browsers are sent after a failed form or OAuth sign-in (default `/login`).
 * - `APPWRITE_TIMEOUT_MS` — per upstream request (default 10000).
 * - `APPWRITE_JWT_KEY` — Appwrite's JWT key (`_APP_OPENSSL_KEY_V1`, self-hosted only; secret): Bearer
 *   JWTs are then verified locally and `getAuth(c).userId` is set without a round trip.
 * - `IDENTITY_CACHE_TTL_SECONDS` — keep `account.get()` answers for `/me` this long (0–60; 0, the
 *   default, is off).
 * - `APPWRITE_TRANSPORT` — on Node, `pool` (default: undici `Pool.dispatch` over keep-alive
 *   connections) or `fetch` (node-appwrite's own undici fetch). Other runtimes use their fetch.
 * - `APPWRITE_MAX_CONNECTIONS` — keep-alive connections to Appwrite per process with the `pool`
 *   transport; default 64.
 * - `HOME_TABLE` — `<databaseId>/<tableId>` whose rows the home page lists, read as the signed-in
 *   user (so only the rows they may read). Default: none, and the home page shows no table.
 * - `LOG_LEVEL` — `error` (default: failures only), `info` (a line per request: method, path, status,
 *   time) or `debug` (also the request headers, credentials redacted, and the cookies set, by name).
 *   No level ever logs a query string, a body, a credential or an API key.
 * - `RATE_LIMIT_STORE` — where abuse counters live: `memory` (default; per process), `redis`
 *   (with `REDIS_URL`; Node, Bun, Deno), `durable-object` (Workers, the `RATE_LIMITER` binding), or
 *   `off` (no limits: only behind another limiter).
 * - `RATE_LIMIT_<RULE>` — `<limit>/<seconds>` or `off`, overriding a default of `RATE_LIMIT_DEFAULTS`
 *   (`LOGIN`, `LOGIN_EMAIL`, `SIGNUP`, `GUEST`, `OAUTH`, `OAUTH_CALLBACK`, `JWT`).
 * - `CLIENT_IP_HEADER` — the header that carries the client's IP, set by a proxy or platform the
 *   client cannot bypass (e.g. `CF-Connecting-IP`, `X-Forwarded-For`: its last entry). Default: the
 *   connection's peer address (Node, Bun, Deno); on Workers, `CF-Connecting-IP`.
 */
const configSchema = z.pipe(
  z
    .object({
      APPWRITE_ENDPOINT: z.pipe(
        z.url({ protocol: /^https?$/ }).check(
          z.refine((value) => {
            if (!URL.canParse(value)) return false;
            const url = new URL(value);
            return url.protocol === 'https:' || isLoopbackHost(url.hostname);
          }, 'HTTPS is required except for loopback hosts'),
          z.refine((value) => {
            if (!URL.canParse(value)) return false;
            const url = new URL(value);
            return !url.search && !url.hash && !url.username && !url.password;
          }, 'no query, fragment or credentials'),
        ),
        z.transform((value) => value.replace(/\/+$/, '')),
      ),
      APPWRITE_PROJECT_ID: appwriteId,
      APPWRITE_API_KEY: z.string().check(z.minLength(1), z.maxLength(4096)),
      PUBLIC_ORIGIN: z.optional(origin),
      ALLOWED_ORIGINS: list(origin),
      OAUTH_PROVIDERS: list(z.string().check(z.regex(/^[a-z0-9]{1,32}$/))),
      SESSION_COOKIE_NAME: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
      SESSION_COOKIE_DOMAIN: z.optional(z.string().check(z.regex(/^\.?[a-z0-9.-]{1,253}$/i))),
      SESSION_COOKIE_SAMESITE: z._default(z.enum(['Lax', 'Strict', 'None']), 'Lax'),
      // A path the URL parser leaves as it is: no dot segments that could turn it into `//host`.
      LOGIN_PATH: z._default(
        z.string().check(
          z.regex(/^\/(?!\/)[^\s?#\\]*$/),
          z.refine(
            (value) =>
              URL.canParse(value, 'http://h.invalid') &&
              new URL(value, 'http://h.invalid').pathname === value,
          ),
        ),
        '/login',
      ),
      HOME_TABLE: z.optional(
        z.pipe(
          z.string().check(z.regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}\/[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)),
          z.transform((value) => {
            const [databaseId = '', tableId = ''] = value.split('/');
            return { databaseId, tableId };
          }),
        ),
      ),
      APPWRITE_JWT_KEY: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
      IDENTITY_CACHE_TTL_SECONDS: z._default(
        z.coerce.number().check(z.int(), z.minimum(0), z.maximum(60)),
        0,
      ),
      APPWRITE_TRANSPORT: z._default(z.enum(['pool', 'fetch']), 'pool'),
      APPWRITE_MAX_CONNECTIONS: z._default(
        z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1024)),
        64,
      ),
      APPWRITE_TIMEOUT_MS: z._default(
        z.coerce.number().check(z.int(), z.minimum(100), z.maximum(120_000)),
        10_000,
      ),
      LOG_LEVEL: z._default(z.enum(['error', 'info', 'debug']), 'error'),
      RATE_LIMIT_STORE: z._default(z.enum(['memory', 'redis', 'durable-object', 'off']), 'memory'),
      // Checked with the URL parser the Redis client uses, so a bad URL (it may hold a password) fails
      // here, where errors name the key only, and not inside the client, whose errors print it.
      REDIS_URL: z.optional(
        z.string().check(
          z.regex(/^rediss?:\/\/\S{1,2040}$/),
          z.refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol)),
        ),
      ),
      CLIENT_IP_HEADER: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/))),
      RATE_LIMIT_LOGIN: rateLimitValue,
      RATE_LIMIT_LOGIN_EMAIL: rateLimitValue,
      RATE_LIMIT_SIGNUP: rateLimitValue,
      RATE_LIMIT_GUEST: rateLimitValue,
      RATE_LIMIT_OAUTH: rateLimitValue,
      RATE_LIMIT_OAUTH_CALLBACK: rateLimitValue,
      RATE_LIMIT_JWT: rateLimitValue,
    })
    .check(
      z.refine((env) => env.RATE_LIMIT_STORE !== 'redis' || env.REDIS_URL !== undefined, {
        path: ['REDIS_URL'],
      }),
    ),
  z.transform((env) => ({
    ...env,
    SESSION_COOKIE_NAME: env.SESSION_COOKIE_NAME ?? `a_session_${env.APPWRITE_PROJECT_ID}`,
    RATE_LIMITS: rateLimits(env),
  })),
);

/** The limits in force: each rule's default unless overridden; none when the store is `off`. */
const rateLimits = (env: Record<string, unknown>): Partial<Record<RateLimitRule, Limit>> => {
  if (env.RATE_LIMIT_STORE === 'off') return {};
  const limits: Partial<Record<RateLimitRule, Limit>> = {};
  for (const rule of Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitRule[]) {
    const name = `RATE_LIMIT_${rule.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
    const value = env[name] as Limit | 'off' | undefined;
    if (value === 'off') continue;
    limits[rule] = value ?? RATE_LIMIT_DEFAULTS[rule];
  }
  return limits;
};

/** The validated configuration, inferred from {@link configSchema}. */
export type Config = z.output<typeof configSchema>;

/** Parses the environment into a `Config`, throwing an error that lists the invalid keys only. */
export const parseConfig = (env: Record<string, unknown>): Config => {
  // Empty strings mean "unset" (wrangler vars and shells often pass them through).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const keys = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))];
    throw new Error(`Invalid configuration: ${keys.join(', ')} missing or malformed`);
  }
  // Browsers refuse a `__Host-` cookie that names a domain: the session would be created upstream
  // and then never stored, so refuse the pair here, before any sign-in.
  if (result.data.SESSION_COOKIE_NAME.startsWith('__Host-') && result.data.SESSION_COOKIE_DOMAIN) {
    throw new Error(
      'Invalid configuration: SESSION_COOKIE_DOMAIN cannot be set with a __Host- SESSION_COOKIE_NAME (browsers refuse __Host- cookies with a Domain)',
    );
  }
  return result.data;
};

/**
 * {@link parseConfig} for a server's start-up: a bad configuration prints which keys are wrong (never
 * their values) and exits with status 1, instead of a stack trace.
 */
export const configOrExit = (env: Record<string, unknown>): Config => {
  try {
    return parseConfig(env);
  } catch (error) {
    console.error(`${(error as Error).message}. See docs/configuration.md.`);
    process.exit(1);
  }
};
