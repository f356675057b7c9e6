/**
 * Hono middleware and routes that act as the signed-in Appwrite user: `appwriteAuth` reads the
 * Bearer JWT or the session cookie and gives each request its own node-appwrite client;
 * `authRoutes` signs users in and out. Runs on Cloudflare Workers, Deno, Bun and Node.
 *
 * @module
 */
export type { UserCredential, UserServices } from './appwrite/clients.ts';
export { type HmacSha256Verifier, IdentityCache } from './appwrite/identity.ts';
export { type CachedJwt, JwtCache } from './appwrite/jwt-cache.ts';
export {
  fetchTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './appwrite/transport.ts';
export { authRoutes } from './auth-routes.ts';
export { appwriteErrorHandler } from './error-handler.ts';
export { AppwriteHttpError, type ErrorBody, fromUpstream } from './errors.ts';
export {
  type AppwriteAuthEnv,
  type AppwriteAuthVariables,
  type Auth,
  type AuthKind,
  appwriteAuth,
  getAuth,
  getUser,
} from './middleware/appwrite-auth.ts';
export { type OriginCheckOptions, originCheck } from './middleware/origin-check.ts';
export { MemoryRateLimitStore, RateLimitError } from './rate-limit.ts';
export { safeRedirect } from './redirects.ts';
export { takeFormEmail } from './routes/form-email.ts';
export {
  type AppwriteAuthOptions,
  type AuthRoutesOptions,
  type Hit,
  type Limit,
  RATE_LIMIT_DEFAULTS,
  type RateLimitOptions,
  type RateLimitRule,
  type RateLimitStore,
  type SecretHasher,
} from './settings.ts';
export type { RoutesEnv as AuthRoutesEnv } from './types.ts';
