import type { AppwriteAuthEnv } from 'hono-appwrite';

/** Hono `Env` of the reference app: the variables `appwriteAuth` sets. */
export type AppEnv = AppwriteAuthEnv;
