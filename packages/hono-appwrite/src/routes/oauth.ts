import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Account, OAuthProvider } from 'node-appwrite';
import * as z from 'zod/mini';
import { adminClient, requireSessionSecret, userClient } from '../appwrite/clients.ts';
import { AppwriteHttpError, errors, upstream } from '../errors.ts';
import { Hono } from '../hono.ts';
import { rateLimit, requestIp, resetRateLimit } from '../rate-limit.ts';
import { publicOrigin, requireSafeRedirect, withQuery } from '../redirects.ts';
import { cookieCount, oauthStateCookie, setSessionCookie } from '../session-cookie.ts';
import type { RoutesEnv } from '../types.ts';
import { appwriteId } from '../validation.ts';
import { answeringBrowsers, loginPage } from './browser-failure.ts';

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

/** The failure types Appwrite's OAuth2 flow reports; only these reach the login page. */
const FAILURE_TYPES = new Set([
  'user_oauth2_provider_error',
  'user_oauth2_unauthorized',
  'user_oauth2_bad_request',
  'project_provider_disabled',
  'user_blocked',
  'user_already_exists',
  'user_email_already_exists',
  'general_rate_limit_exceeded',
]);

/**
 * Appwrite's failure redirect carries `error={"message","type","code"}`. Only a known `type` is
 * kept: the URL is anyone's to forge, so its text must never reach the page.
 */
const failureType = (value: string | undefined): string => {
  const fallback = 'user_oauth2_unauthorized';
  if (!value || value.length > 4096) return fallback;
  try {
    const type = (JSON.parse(value) as { type?: unknown } | null)?.type;
    return typeof type === 'string' && FAILURE_TYPES.has(type) ? type : fallback;
  } catch {
    return fallback;
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
 * The state this browser holds for its OAuth flow, when it holds exactly one. Two state cookies
 * mean one was planted: neither is trusted (`duplicated`), and both flows must start again.
 */
const heldState = (c: Context<RoutesEnv>): { state: string | undefined; duplicated: boolean } => {
  const { name } = oauthStateCookie(c.get('authRoutes'));
  const duplicated = cookieCount(c.req.header('Cookie'), name) > 1;
  return { state: duplicated ? undefined : getCookie(c, name), duplicated };
};

/**
 * Ends the browser's OAuth flow (single use) when the request carries that flow's own state, or
 * when the state cookie was duplicated. A navigation carrying no state or another state (a link
 * from another site) leaves a flow in progress alone.
 */
const endFlow = (c: Context<RoutesEnv>, sent: unknown): boolean => {
  const held = heldState(c);
  const matches = held.state !== undefined && typeof sent === 'string' && sameState(sent, held.state);
  if (matches || held.duplicated) {
    const stateCookie = oauthStateCookie(c.get('authRoutes'));
    deleteCookie(c, stateCookie.name, stateCookie.options);
  }
  return matches;
};

/**
 * OAuth2 sign-in through Appwrite's token flow (`/auth/oauth/*`). Appwrite's flow has no `state`
 * (appwrite/appwrite#8775): a success URL carrying an attacker's `userId`/`secret` would sign the
 * victim into the attacker's account. So the start sets a random state in an httpOnly cookie and puts
 * it in the success URL; the callback accepts only when both match, and the cookie is single-use.
 */
export const oauthRoutes = new Hono<RoutesEnv>()
  .get(
    '/callback',
    answeringBrowsers(loginPage, async (c) => {
      const config = c.get('authRoutes');
      const matched = endFlow(c, c.req.query('state'));
      const query = callbackQuery.safeParse(c.req.query());
      if (!matched || !query.success) {
        throw new AppwriteHttpError(
          403,
          'user_oauth2_state_invalid',
          'This sign-in was not started in this browser, or it expired. Start it again.',
        );
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
  .get(
    '/failure',
    answeringBrowsers(loginPage, (c) => {
      endFlow(c, c.req.query('state'));
      throw new AppwriteHttpError(
        401,
        failureType(c.req.query('error')),
        'OAuth2 sign-in failed or was cancelled.',
      );
    }),
  )
  .get(
    '/:provider',
    answeringBrowsers(loginPage, async (c) => {
      const config = c.get('authRoutes');
      const provider = c.req.param('provider') ?? '';
      if (!config.oauthProviders.includes(provider) || !KNOWN_PROVIDERS.has(provider)) {
        throw new AppwriteHttpError(
          412,
          'project_provider_disabled',
          'This OAuth2 provider is not enabled on this server.',
        );
      }
      const target = requireSafeRedirect(c, config, c.req.query('next'));
      await rateLimit(c, 'oauth');
      const state = randomState();
      // Where these routes are mounted, read from this request: `<prefix>/oauth/<provider>`.
      if (!c.req.path.endsWith(`/${provider}`)) throw errors.invalidArgument('Invalid `provider` param.');
      const base = `${publicOrigin(c, config)}${c.req.path.slice(0, -`/${provider}`.length)}`;
      const success = withQuery(`${base}/callback`, { state, next: target });
      // The state rides on the failure URL too, so only this flow's failure ends this flow.
      const failure = withQuery(`${base}/failure`, { state });
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
