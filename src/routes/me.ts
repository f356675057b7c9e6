import { Hono } from 'hono';
import { upstream } from '../errors.ts';
import type { AppEnv } from '../types.ts';

/** `GET /me`: the signed-in user, read from Appwrite with their own credential. */
export const meRoutes = new Hono<AppEnv>().get('/', async (c) =>
  c.json(await upstream(c.var.appwrite.account.get())),
);
