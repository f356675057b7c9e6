// The library's options, from the parsed environment and what the runtime entry provides.
import type { Context } from 'hono';
import {
  type AppwriteAuthOptions,
  type AuthRoutesOptions,
  type HmacSha256Verifier,
  IdentityCache,
  type JwtCache,
  type Limit,
  RATE_LIMIT_DEFAULTS,
  type RateLimitRule,
  type RateLimitStore,
  type SecretHasher,
  type Transport,
} from 'hono-appwrite';
import type { Config } from './config.ts';

/** What a runtime entry (or a test) gives `createApp` besides the configuration. */
export interface CreateAppOptions {
  /** Cache of minted JWTs; default a new one per app. Shared only to inspect it in tests. */
  jwtCache?: JwtCache;
  /** The HTTP layer under node-appwrite; default its own fetch. On Node, `poolTransport()`. */
  transport?: Transport;
  /** Hashes credentials into cache keys. Default Web Crypto; Node, Bun and Deno pass `nodeCrypto`'s. */
  hashSecret?: SecretHasher;
  /** Checks Bearer JWT signatures with `APPWRITE_JWT_KEY`. Default Web Crypto; see `nodeCrypto`. */
  verifyHmacSha256?: HmacSha256Verifier;
  /** Where abuse counters live when `RATE_LIMIT_STORE` is `redis` or `durable-object`. */
  rateLimitStore?: RateLimitStore;
  /** The connection's peer address (hono's `getConnInfo` of the runtime), for per-IP limits. */
  connInfo?: (c: Context) => string | undefined;
  /** The clock of the limiter and the identity cache, in Unix milliseconds; default `Date.now`. */
  now?: () => number;
}

/** The options of `appwriteAuth` and `authRoutes` the app mounts. */
export type LibraryOptions = { auth: AppwriteAuthOptions; routes: AuthRoutesOptions };

/** Each rule's limit, or `false` where the configuration turned it off. */
const rulesOf = (limits: Config['RATE_LIMITS']): Record<RateLimitRule, Limit | false> => {
  const rules = {} as Record<RateLimitRule, Limit | false>;
  for (const rule of Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitRule[]) rules[rule] = limits[rule] ?? false;
  return rules;
};

/** Maps the configuration to the library's options. Throws when a store the configuration names is missing. */
export const libraryOptions = (config: Config, runtime: CreateAppOptions = {}): LibraryOptions => {
  if (config.RATE_LIMIT_STORE !== 'memory' && config.RATE_LIMIT_STORE !== 'off' && !runtime.rateLimitStore) {
    throw new Error(
      `Invalid configuration: RATE_LIMIT_STORE=${config.RATE_LIMIT_STORE} needs its store; start through the runtime entry (runtimes/).`,
    );
  }
  const auth: AppwriteAuthOptions = {
    endpoint: config.APPWRITE_ENDPOINT,
    projectId: config.APPWRITE_PROJECT_ID,
    cookieName: config.SESSION_COOKIE_NAME,
    cookieDomain: config.SESSION_COOKIE_DOMAIN,
    timeoutMs: config.APPWRITE_TIMEOUT_MS,
    transport: runtime.transport,
    jwtKey: config.APPWRITE_JWT_KEY,
    verifyHmacSha256: runtime.verifyHmacSha256,
    hashSecret: runtime.hashSecret,
    identityCache:
      config.IDENTITY_CACHE_TTL_SECONDS > 0
        ? new IdentityCache({ ttlMs: config.IDENTITY_CACHE_TTL_SECONDS * 1000, now: runtime.now ?? Date.now })
        : undefined,
  };
  return {
    auth,
    routes: {
      ...auth,
      apiKey: config.APPWRITE_API_KEY,
      cookieSameSite: config.SESSION_COOKIE_SAMESITE,
      publicOrigin: config.PUBLIC_ORIGIN,
      allowedOrigins: config.ALLOWED_ORIGINS,
      loginPath: config.LOGIN_PATH,
      oauthProviders: config.OAUTH_PROVIDERS,
      jwtCache: runtime.jwtCache,
      rateLimit:
        config.RATE_LIMIT_STORE === 'off'
          ? false
          : {
              store: runtime.rateLimitStore,
              rules: rulesOf(config.RATE_LIMITS),
              ipHeader: config.CLIENT_IP_HEADER,
              clientAddress: runtime.connInfo,
              now: runtime.now,
            },
    },
  };
};
