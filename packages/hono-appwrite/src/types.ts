// The Hono `Env` of the auth routes: the middleware's variables, plus what the routes share.
import type { JwtCache } from './appwrite/jwt-cache.ts';
import type { AppwriteAuthVariables } from './middleware/appwrite-auth.ts';
import type { RateLimiter, RoutesSettings } from './settings.ts';

/** The auth routes' settings, with the rate limiter and JWT cache built. */
export type RoutesState = Omit<RoutesSettings, 'rateLimit' | 'jwtCache'> & {
  rateLimiter: RateLimiter | undefined;
  jwtCache: JwtCache;
};

/** Hono `Env` of the auth routes. */
export type RoutesEnv = {
  Variables: AppwriteAuthVariables & {
    authRoutes: RoutesState;
    /** The smallest `X-RateLimit-Remaining` of this request's rules so far. */
    rateLimitRemaining: number | undefined;
  };
};
