import { getUser } from 'hono-appwrite';
import { Hono } from '../hono.ts';
import { apiJson } from '../responses.ts';
import type { AppEnv } from '../types.ts';

/**
 * `GET /me`: the signed-in user, read from Appwrite with their own credential — or, with
 * `IDENTITY_CACHE_TTL_SECONDS`, from the answer Appwrite gave for the same credential moments ago.
 */
export const meRoutes = new Hono<AppEnv>().get('/', async (c) => apiJson(await getUser(c)));
