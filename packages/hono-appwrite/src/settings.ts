// The options of the middleware and the auth routes, checked once when they are built, and the
// settings they resolve to (every default filled in).
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { ClientSettings } from './appwrite/clients.ts';
import type { HmacSha256Verifier, IdentityCache } from './appwrite/identity.ts';
import { type JwtCache, hashSecret as webCryptoHash } from './appwrite/jwt-cache.ts';
import type { Transport } from './appwrite/transport.ts';
import { appwriteId, isLoopbackHost } from './validation.ts';

/** Hashes a credential into a cache key; synchronous where the platform allows (see `hono-appwrite/node`). */
export type SecretHasher = (secret: string) => string | Promise<string>;

/** Options of `appwriteAuth`. */
export interface AppwriteAuthOptions {
  /** Appwrite endpoint, e.g. `https://cloud.appwrite.io/v1`. HTTPS unless the host is loopback. */
  endpoint: string;
  /** Appwrite project id. */
  projectId: string;
  /** Let requests without a credential through as guests. Default `false`: they get 401. */
  optional?: boolean | undefined;
  /** Session cookie name. Default `a_session_<projectId>`, the name of Appwrite's own cookie. */
  cookieName?: string | undefined;
  /** `Domain` of the session cookie. Default: none (a host-only cookie). */
  cookieDomain?: string | undefined;
  /** Deadline of each Appwrite request, in milliseconds (100–120000). Default 10000. */
  timeoutMs?: number | undefined;
  /** The HTTP layer under node-appwrite (e.g. `poolTransport()` from `hono-appwrite/node`). Default: the SDK's fetch. */
  transport?: Transport | undefined;
  /**
   * Appwrite's JWT key (`_APP_OPENSSL_KEY_V1`, self-hosted only). With it, Bearer JWTs are verified
   * locally (HS256, `exp`) and `getAuth(c).userId` is set without a round trip. A JWT whose session
   * was deleted keeps passing this check until it expires (at most 15 minutes).
   */
  jwtKey?: string | undefined;
  /** How JWT signatures are checked with `jwtKey`. Default Web Crypto. */
  verifyHmacSha256?: HmacSha256Verifier | undefined;
  /** Keeps `getUser(c)` answers for a short time. Default: none (every call asks Appwrite). */
  identityCache?: IdentityCache | undefined;
  /** Hashes credentials into cache keys. Default Web Crypto SHA-256. */
  hashSecret?: SecretHasher | undefined;
}

/** A limit: at most `limit` requests per fixed window of `windowSeconds`. */
export type Limit = { limit: number; windowSeconds: number };

/** Where the auth routes send browsers and what they trust. */
export interface AuthRoutesOptions extends Omit<AppwriteAuthOptions, 'optional'> {
  /** An API key with the `sessions.write` scope; used only to create accounts and sessions. */
  apiKey: string;
  /** `SameSite` of the session cookie. Default `Lax` (a `Strict` cookie is lost after the OAuth redirects). */
  cookieSameSite?: 'Lax' | 'Strict' | 'None' | undefined;
  /** The site's public origin (OAuth return URLs, same-origin checks). Default: each request's own origin. */
  publicOrigin?: string | undefined;
  /** Other origins trusted for `next` redirects and for unsafe requests that carry cookies. Default none. */
  allowedOrigins?: readonly string[] | undefined;
  /** Where failed form and OAuth sign-ins send the browser, with `?error=<type>`. Default `/login`. */
  loginPath?: string | undefined;
  /** Where a failed sign-up form sends the browser. Default `/signup`. */
  signupPath?: string | undefined;
  /** Where a failed guest upgrade form sends the browser. Default `/`. */
  homePath?: string | undefined;
  /** OAuth2 providers users may sign in with (Appwrite's names, e.g. `github`). Default none. */
  oauthProviders?: readonly string[] | undefined;
  /** Abuse limits of the routes that create credentials; `false` turns them off. Default: in memory, `RATE_LIMIT_DEFAULTS`. */
  rateLimit?: RateLimitOptions | false | undefined;
  /** Minted JWTs, reused while they last. Default: a new cache. */
  jwtCache?: JwtCache | undefined;
  /**
   * Answers a form post to `/jwt` (JSON clients get `{jwt, expire}`). Default: the JSON answer.
   * Only ever called for the session's owner.
   */
  renderJwt?:
    | ((c: Context, minted: { jwt: string; expire: string }) => Response | Promise<Response>)
    | undefined;
}

/** Options of the auth routes' abuse limits. */
export interface RateLimitOptions {
  /** Where counters live. Default a `MemoryRateLimitStore` (one process). */
  store?: RateLimitStore | undefined;
  /** Per-rule overrides of `RATE_LIMIT_DEFAULTS`; `false` turns a rule off. */
  rules?: Partial<Record<RateLimitRule, Limit | false>> | undefined;
  /**
   * A header carrying the client IP, set by a proxy or platform the client cannot bypass (e.g.
   * `CF-Connecting-IP`; for `X-Forwarded-For` its last entry). Default: `clientAddress`.
   */
  ipHeader?: string | undefined;
  /** The connection's peer address (e.g. hono's `getConnInfo(c).remote.address`). */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
  /** The clock, in Unix milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
}

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

/**
 * The limited actions, each with its default. Where Appwrite limits the same action its numbers are
 * used; login per IP follows better-auth's sign-in limit (3 per 10 s), over a minute.
 */
export const RATE_LIMIT_DEFAULTS = {
  /** `POST /login`, per client IP. A successful login does not reset it. */
  login: { limit: 10, windowSeconds: 60 },
  /** `POST /login`, per email: Appwrite's own 10 per hour; a successful login resets it. */
  loginEmail: { limit: 10, windowSeconds: 3600 },
  /** `POST /signup` and `POST /upgrade`, per client IP: Appwrite's `POST /account`. */
  signup: { limit: 10, windowSeconds: 3600 },
  /** `POST /anonymous`, per client IP: Appwrite's anonymous sessions. */
  guest: { limit: 50, windowSeconds: 3600 },
  /** `GET /oauth/:provider` and `GET /oauth/callback`, per client IP: 50 sign-ins an hour, Appwrite's OAuth2 limit. */
  oauth: { limit: 100, windowSeconds: 3600 },
  /** `GET /oauth/callback`, per client IP and user id: Appwrite's token sessions; success resets it. */
  oauthCallback: { limit: 10, windowSeconds: 3600 },
  /** `POST /jwt`, per client IP: Appwrite 1.9's 120 per minute for `POST /account/jwts`. */
  jwt: { limit: 120, windowSeconds: 60 },
} as const satisfies Record<string, Limit>;

/** The name of a limited action. */
export type RateLimitRule = keyof typeof RATE_LIMIT_DEFAULTS;

/** How the auth routes count: the store, the limits in force, the client-IP source and the clock. */
export type RateLimiter = {
  store: RateLimitStore;
  limits: Partial<Record<RateLimitRule, Limit>>;
  ipHeader: string | undefined;
  clientAddress: ((c: Context) => string | undefined) | undefined;
  now: () => number;
  /** Set once the loopback warning was logged. */
  warnedLoopback?: boolean;
};

/** {@link AppwriteAuthOptions} with every default filled in. */
export type AuthSettings = ClientSettings & {
  optional: boolean;
  cookieName: string;
  cookieDomain: string | undefined;
  jwtKey: string | undefined;
  verifyHmacSha256: HmacSha256Verifier | undefined;
  identityCache: IdentityCache | undefined;
  hashSecret: SecretHasher;
};

/** {@link AuthRoutesOptions} with every default filled in (the rate limiter still to be built). */
export type RoutesSettings = Omit<AuthSettings, 'optional'> & {
  apiKey: string;
  cookieSameSite: 'Lax' | 'Strict' | 'None';
  publicOrigin: string | undefined;
  allowedOrigins: readonly string[];
  loginPath: string;
  signupPath: string;
  homePath: string;
  oauthProviders: readonly string[];
  rateLimit: RateLimitOptions | false;
  jwtCache: JwtCache | undefined;
  renderJwt: AuthRoutesOptions['renderJwt'];
};

const endpoint = z.url({ protocol: /^https?$/ }).check(
  z.refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || isLoopbackHost(url.hostname)) &&
      !url.search &&
      !url.hash &&
      !url.username &&
      !url.password
    );
  }),
);

/** An origin such as `https://app.example.com` (scheme, host, optional port; nothing else). */
const originSchema = z.url({ protocol: /^https?$/ }).check(
  z.refine((value) => {
    // zod runs refinements even after z.url() failed: never let `new URL` throw.
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return url.origin !== 'null' && `${url.origin}/` === url.href.replace(/\/?$/, '/');
  }),
);

/** A path the URL parser leaves as it is: no dot segments that could turn it into `//host`. */
const localPathSchema = z.string().check(
  z.regex(/^\/(?!\/)[^\s?#\\]*$/),
  z.refine(
    (value) =>
      URL.canParse(value, 'http://h.invalid') && new URL(value, 'http://h.invalid').pathname === value,
  ),
);

const cookieName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$|^__(?:Host|Secure)-[A-Za-z0-9_-]{1,64}$/));
const cookieDomain = z.string().check(z.regex(/^\.?[a-z0-9.-]{1,253}$/i));
const secret = z.string().check(z.minLength(1), z.maxLength(4096));
const timeoutMs = z.number().check(z.int(), z.minimum(100), z.maximum(120_000));

/** The serialised origin (`https://app.example.com`: lower-case host, no default port, no `/`). */
const originOf = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : new URL(value).origin;

/** Throws `Error` naming the option when `value` does not pass `schema`; the value is never shown. */
const check = <T>(owner: string, name: string, schema: z.ZodMiniType<T>, value: unknown, rule: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${owner}: \`${name}\` must be ${rule}`);
  return result.data;
};

const optionalFunction = <F>(owner: string, name: string, value: F | undefined): F | undefined => {
  if (value !== undefined && typeof value !== 'function')
    throw new Error(`${owner}: \`${name}\` must be a function`);
  return value;
};

/** Checks the middleware's options and fills in the defaults. Throws `Error` naming a bad option. */
export const resolveAuthSettings = (options: AppwriteAuthOptions, owner = 'appwriteAuth'): AuthSettings => {
  if (!options || typeof options !== 'object') throw new Error(`${owner}: options are required`);
  const projectId = check(owner, 'projectId', appwriteId, options.projectId, 'an Appwrite project id');
  const base = check(
    owner,
    'endpoint',
    endpoint,
    options.endpoint,
    'an http(s) URL without query, fragment or credentials (HTTPS unless the host is loopback)',
  );
  const name = check(owner, 'cookieName', z.optional(cookieName), options.cookieName, 'a cookie name');
  const domain = check(owner, 'cookieDomain', z.optional(cookieDomain), options.cookieDomain, 'a domain');
  if (name?.startsWith('__Host-') && domain) {
    throw new Error(`${owner}: a \`__Host-\` cookieName cannot have a cookieDomain (browsers refuse it)`);
  }
  return {
    endpoint: base.replace(/\/+$/, ''),
    projectId,
    optional: check(owner, 'optional', z.optional(z.boolean()), options.optional, 'a boolean') ?? false,
    cookieName: name ?? `a_session_${projectId}`,
    cookieDomain: domain,
    timeoutMs:
      check(owner, 'timeoutMs', z.optional(timeoutMs), options.timeoutMs, 'an integer from 100 to 120000') ??
      10_000,
    transport: optionalFunction(owner, 'transport', options.transport),
    jwtKey: check(owner, 'jwtKey', z.optional(secret), options.jwtKey, 'a non-empty string'),
    verifyHmacSha256: optionalFunction(owner, 'verifyHmacSha256', options.verifyHmacSha256),
    identityCache: options.identityCache,
    hashSecret: optionalFunction(owner, 'hashSecret', options.hashSecret) ?? webCryptoHash,
  };
};

/** Checks the auth routes' options and fills in the defaults. Throws `Error` naming a bad option. */
export const resolveRoutesSettings = (options: AuthRoutesOptions): RoutesSettings => {
  const owner = 'authRoutes';
  const { optional: _optional, ...auth } = resolveAuthSettings({ ...options, optional: false }, owner);
  const path = (name: string, value: unknown, fallback: string) =>
    check(owner, name, z.optional(localPathSchema), value, 'a path such as `/login`') ?? fallback;
  return {
    ...auth,
    apiKey: check(owner, 'apiKey', secret, options.apiKey, 'an Appwrite API key'),
    cookieSameSite:
      check(
        owner,
        'cookieSameSite',
        z.optional(z.enum(['Lax', 'Strict', 'None'])),
        options.cookieSameSite,
        '`Lax`, `Strict` or `None`',
      ) ?? 'Lax',
    publicOrigin: originOf(
      check(owner, 'publicOrigin', z.optional(originSchema), options.publicOrigin, 'an origin'),
    ),
    allowedOrigins: Object.freeze(
      (
        check(
          owner,
          'allowedOrigins',
          z.optional(z.array(originSchema)),
          options.allowedOrigins,
          'a list of origins',
        ) ?? []
      ).map((origin) => new URL(origin).origin),
    ),
    loginPath: path('loginPath', options.loginPath, '/login'),
    signupPath: path('signupPath', options.signupPath, '/signup'),
    homePath: path('homePath', options.homePath, '/'),
    oauthProviders: Object.freeze([
      ...(check(
        owner,
        'oauthProviders',
        z.optional(z.array(z.string().check(z.regex(/^[a-z0-9]{1,32}$/)))),
        options.oauthProviders,
        'a list of provider names',
      ) ?? []),
    ]),
    rateLimit: options.rateLimit === false ? false : (options.rateLimit ?? {}),
    jwtCache: options.jwtCache,
    renderJwt: optionalFunction(owner, 'renderJwt', options.renderJwt),
  };
};
