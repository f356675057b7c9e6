// Package entry: the app, the middleware and their types.

export { type CreateAppOptions, createApp } from './app.ts';
export { adminClient, type UserCredential, type UserServices, userClient } from './appwrite/clients.ts';
export { type CachedJwt, JwtCache } from './appwrite/jwt-cache.ts';
export { type Config, type ConfigInput, configSchema, parseConfig } from './config.ts';
export { AppwriteHttpError, type ErrorBody, fromUpstream } from './errors.ts';
export {
  type AppwriteAuthEnv,
  type AppwriteAuthOptions,
  type AppwriteAuthVariables,
  type Auth,
  type AuthKind,
  appwriteAuth,
  getAuth,
} from './middleware/appwrite-auth.ts';
export { type OriginCheckOptions, originCheck } from './middleware/origin-check.ts';
export type { AppEnv } from './types.ts';
