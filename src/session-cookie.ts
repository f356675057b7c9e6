import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { Config } from './config.ts';

type CookieConfig = Pick<Config, 'SESSION_COOKIE_NAME' | 'SESSION_COOKIE_DOMAIN' | 'SESSION_COOKIE_SAMESITE'>;

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis) and Hono refuses longer ones. */
export const MAX_COOKIE_AGE_SECONDS = 400 * 24 * 60 * 60;

const baseOptions = (config: CookieConfig): CookieOptions => ({
  path: '/',
  httpOnly: true,
  // Secure always: browsers accept Secure cookies on http://localhost and 127.0.0.1 too.
  secure: true,
  // Lax by default, not Strict: a Strict cookie set by the OAuth callback is not sent on the first
  // page load after the provider's cross-site redirect chain, so the user would look signed out.
  sameSite: config.SESSION_COOKIE_SAMESITE,
  ...(config.SESSION_COOKIE_DOMAIN ? { domain: config.SESSION_COOKIE_DOMAIN } : {}),
});

/** Seconds until `expire` (an ISO date), clamped to [0, 400 days]. Unparsable dates count as 0. */
export const cookieMaxAge = (expire: string, now = Date.now()): number => {
  const seconds = Math.floor((Date.parse(expire) - now) / 1000);
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(seconds, MAX_COOKIE_AGE_SECONDS);
};

/** Sets the session cookie (httpOnly, Secure, Path=/) to expire with the Appwrite session. */
export const setSessionCookie = (c: Context, config: CookieConfig, secret: string, expire: string): void => {
  const maxAge = cookieMaxAge(expire);
  setCookie(c, config.SESSION_COOKIE_NAME, secret, {
    ...baseOptions(config),
    maxAge,
    expires: new Date(Date.now() + maxAge * 1000),
  });
};

/** Clears the session cookie with the same attributes it was set with. */
export const clearSessionCookie = (c: Context, config: CookieConfig): void => {
  deleteCookie(c, config.SESSION_COOKIE_NAME, baseOptions(config));
};

/** The OAuth state cookie's name and attributes (Lax: it must survive the provider's redirects). */
export const oauthStateCookie = (config: CookieConfig) => ({
  name: `${config.SESSION_COOKIE_NAME}_oauth`,
  options: {
    path: '/auth/oauth',
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    maxAge: 600,
  } satisfies CookieOptions,
});
