import { identityKeyOf } from '../appwrite/identity.ts';
import { jwtExpiry } from '../appwrite/jwt-cache.ts';
import { upstream } from '../errors.ts';
import { Hono } from '../hono.ts';
import { credentialOf } from '../middleware/appwrite-auth.ts';
import { apiJson } from '../responses.ts';
import type { AppEnv } from '../types.ts';

/**
 * `GET /me`: the signed-in user, read from Appwrite with their own credential — or, with
 * `IDENTITY_CACHE_TTL_SECONDS`, from the answer Appwrite gave for the same credential moments ago.
 */
export const meRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const cache = c.get('identityCache');
  const credential = credentialOf(c);
  const key = cache && credential ? await c.get('hashSecret')(identityKeyOf(credential)) : undefined;
  const cached = key ? cache?.get(key) : undefined;
  if (cached) return apiJson(cached);
  const ticket = cache?.ticket() ?? 0;
  const user = await upstream(c.get('appwrite').account.get());
  if (key && credential) {
    // A JWT's answer is kept no longer than the JWT is valid: Appwrite refuses it after `exp`.
    // Its `exp` is trusted here because Appwrite just accepted this very token.
    const expiresAt = credential.kind === 'jwt' ? (jwtExpiry(credential.jwt)?.getTime() ?? 0) : undefined;
    cache?.set(key, user, ticket, expiresAt);
  }
  return apiJson(user);
});
