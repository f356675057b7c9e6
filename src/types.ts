import type { IdentityCache } from './appwrite/identity.ts';
import type { JwtCache } from './appwrite/jwt-cache.ts';
import type { Config } from './config.ts';
import type { AppwriteAuthVariables } from './middleware/appwrite-auth.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Hono `Env` of the hono-appwrite app: its config, its JWT cache and the auth variables. */
export type AppEnv = {
  Variables: AppwriteAuthVariables & {
    config: Config;
    jwtCache: JwtCache;
    /** Set when `IDENTITY_CACHE_TTL_SECONDS` > 0. */
    identityCache: IdentityCache | undefined;
    /** Hashes a credential into a cache key (see `CreateAppOptions.hashSecret`). */
    hashSecret: (secret: string) => string | Promise<string>;
    /** Undefined when `RATE_LIMIT_STORE` is `off`. */
    rateLimiter: RateLimiter | undefined;
    /** The smallest `X-RateLimit-Remaining` of this request's rules so far. */
    rateLimitRemaining: number | undefined;
  };
};
