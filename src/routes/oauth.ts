import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Account, OAuthProvider } from 'node-appwrite';
import * as z from 'zod/mini';
import { adminClient, requireSessionSecret, userClient } from '../appwrite/clients.ts';
import { appwriteId } from '../config.ts';
import { AppwriteHttpError, errors, upstream } from '../errors.ts';
import { Hono } from '../hono.ts';
import { rateLimit, requestIp, resetRateLimit } from '../rate-limit.ts';
import { publicOrigin, requireSafeRedirect, wantsHtml, withQuery } from '../redirects.ts';
import { oauthStateCookie, setSessionCookie } from '../session-cookie.ts';
import type { AppEnv } from '../types.ts';

const KNOWN_PROVIDERS = new Set<string>(Object.values(OAuthProvider));

const callbackQuery = z.object({
  state: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  userId: appwriteId,
  // An OAuth2 token secret: 64 hex characters (Appwrite 1.8) or the 60-second JWT that wraps it
  // (1.9). Not the 6-digit codes of email and phone tokens, which the same Appwrite call redeems.
  secret: z
    .string()
    .check(z.maxLength(4096), z.regex(/^(?:[0-9a-f]{64}|[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/)),
  next: z.optional(z.string().check(z.maxLength(2048))),
});

/** Appwrite's failure redirect carries `error={"message","type","code"}`; only `type` is used. */
const failureType = (value: string | undefined): string | undefined => {
  if (!value || value.length > 4096) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    const type = (parsed as { type?: unknown } | null)?.type;
    return typeof type === 'string' && /^[a-z0-9_]{1,64}$/.test(type) ? type : undefined;
  } catch {
    return undefined;
  }
};

/** 32 random bytes, base64url: the value that binds an OAuth flow to the browser that started it. */
const randomState = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
};

/** Compares without an early exit, so timing does not reveal how much of the state matched. */
const sameState = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
};

/**
 * A browser (`Accept: text/html`) is in the middle of a sign-in: any failure (rate limit, Appwrite
 * down or refusing) sends it to the login page with `?error=<type>` to read why. API clients get
 * the JSON error.
 */
const browserAware =
  (handler: (c: Context<AppEnv>) => Promise<Response>) =>
  async (c: Context<AppEnv>): Promise<Response> => {
    try {
      return await handler(c);
    } catch (error) {
      if (!(error instanceof AppwriteHttpError) || !wantsHtml(c)) throw error;
      return c.redirect(withQuery(c.get('config').LOGIN_PATH, { error: error.type }), 302);
    }
  };

/**
 * OAuth2 sign-in through Appwrite's token flow (`/auth/oauth/*`). Appwrite's flow has no `state`
 * (appwrite/appwrite#8775): a success URL carrying an attacker's `userId`/`secret` would sign the
 * victim into the attacker's account. So the start sets a random state in an httpOnly cookie and puts
 * it in the success URL; the callback accepts only when both match, and the cookie is single-use.
 */
export const oauthRoutes = new Hono<AppEnv>()
  .get(
    '/callback',
    browserAware(async (c) => {
      const { config } = c.var;
      const stateCookie = oauthStateCookie(config);
      const expected = getCookie(c, stateCookie.name);
      deleteCookie(c, stateCookie.name, stateCookie.options);
      const query = callbackQuery.safeParse(c.req.query());
      if (!expected || !query.success || !sameState(query.data.state, expected)) {
        const error = new AppwriteHttpError(
          403,
          'user_oauth2_state_invalid',
          'This sign-in was not started in this browser, or it expired. Start it again.',
        );
        if (wantsHtml(c)) return c.redirect(withQuery(config.LOGIN_PATH, { error: error.type }), 302);
        throw error;
      }
      const target = requireSafeRedirect(c, config, query.data.next);
      // Per client IP (shared with the start, so user ids cannot mint endless keys), then
      // Appwrite's key for token sessions: client IP and user id, which a success resets.
      await rateLimit(c, 'oauth');
      const limited = await rateLimit(c, 'oauthCallback', [requestIp(c), query.data.userId]);
      const admin = new Account(adminClient(config, c.req.header('User-Agent')));
      const session = requireSessionSecret(
        await upstream(admin.createSession({ userId: query.data.userId, secret: query.data.secret })),
      );
      await resetRateLimit(c, 'oauthCallback', limited);
      setSessionCookie(c, config, session.secret, session.expire);
      return c.redirect(target, 302);
    }),
  )
  .get('/failure', (c) => {
    const { config } = c.var;
    const stateCookie = oauthStateCookie(config);
    deleteCookie(c, stateCookie.name, stateCookie.options);
    const type = failureType(c.req.query('error')) ?? 'user_oauth2_unauthorized';
    if (wantsHtml(c)) return c.redirect(withQuery(config.LOGIN_PATH, { error: type }), 302);
    throw new AppwriteHttpError(401, type, 'OAuth2 sign-in failed or was cancelled.');
  })
  .get(
    '/:provider',
    browserAware(async (c) => {
      const { config } = c.var;
      const provider = c.req.param('provider') ?? '';
      if (!config.OAUTH_PROVIDERS.includes(provider) || !KNOWN_PROVIDERS.has(provider)) {
        throw new AppwriteHttpError(
          412,
          'project_provider_disabled',
          'This OAuth2 provider is not enabled on this server (OAUTH_PROVIDERS).',
        );
      }
      const target = requireSafeRedirect(c, config, c.req.query('next'));
      await rateLimit(c, 'oauth');
      const state = randomState();
      const origin = publicOrigin(c, config);
      const success = withQuery(`${origin}/auth/oauth/callback`, { state, next: target });
      const failure = `${origin}/auth/oauth/failure`;
      // A guest client: starting the flow needs no privilege, and Appwrite then checks the return
      // URLs against the project's platforms as it does for browsers.
      const location = await upstream(
        new Account(userClient(config)).createOAuth2Token({
          provider: provider as OAuthProvider,
          success,
          failure,
        }),
      );
      if (!/^https?:\/\//i.test(location)) {
        throw errors.invalidResponse('Appwrite returned no OAuth2 redirect.');
      }
      const stateCookie = oauthStateCookie(config);
      setCookie(c, stateCookie.name, state, stateCookie.options);
      return c.redirect(location, 302);
    }),
  );
