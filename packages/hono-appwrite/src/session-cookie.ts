import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';

/** The session cookie's name and attributes. */
export type CookieSettings = {
  cookieName: string;
  cookieDomain: string | undefined;
  cookieSameSite: 'Lax' | 'Strict' | 'None';
};

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis) and Hono refuses longer ones. */
export const MAX_COOKIE_AGE_SECONDS = 400 * 24 * 60 * 60;

const baseOptions = (config: CookieSettings): CookieOptions => ({
  path: '/',
  httpOnly: true,
  // Secure always: browsers accept Secure cookies on http://localhost and 127.0.0.1 too.
  secure: true,
  // Lax by default, not Strict: a Strict cookie set by the OAuth callback is not sent on the first
  // page load after the provider's cross-site redirect chain, so the user would look signed out.
  sameSite: config.cookieSameSite,
  ...(config.cookieDomain ? { domain: config.cookieDomain } : {}),
});

/** Seconds until `expire` (an ISO date), clamped to [0, 400 days]. Unparsable dates count as 0. */
export const cookieMaxAge = (expire: string, now = Date.now()): number => {
  const seconds = Math.floor((Date.parse(expire) - now) / 1000);
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(seconds, MAX_COOKIE_AGE_SECONDS);
};

/** Sets the session cookie (httpOnly, Secure, Path=/) to expire with the Appwrite session. */
export const setSessionCookie = (
  c: Context,
  config: CookieSettings,
  secret: string,
  expire: string,
): void => {
  const maxAge = cookieMaxAge(expire);
  setCookie(c, config.cookieName, secret, {
    ...baseOptions(config),
    maxAge,
    expires: new Date(Date.now() + maxAge * 1000),
  });
};

/** Clears the session cookie with the same attributes it was set with. */
export const clearSessionCookie = (c: Context, config: CookieSettings): void => {
  deleteCookie(c, config.cookieName, baseOptions(config));
};

/**
 * How many times the cookie `name` appears in a raw `Cookie` header. More than one means another
 * site on the same registrable domain (or a path-scoped cookie) planted a second one: which of the
 * two is the user's own cannot be told, so callers refuse both. Names are trimmed as Hono trims them.
 */
export const cookieCount = (header: string | undefined, name: string): number => {
  if (!header) return 0;
  let count = 0;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) count++;
  }
  return count;
};

/** The state cookie's name: `__Host-` (this host only, `Path=/`, Secure), whatever the session's is. */
const stateCookieName = (sessionCookieName: string) =>
  `__Host-${sessionCookieName.replace(/^__(?:Host|Secure)-/, '')}_oauth`;

/**
 * The OAuth state cookie's name and attributes. `__Host-` with `Path=/`: no other subdomain can set
 * or shadow it, and nothing needs to share it. Lax: it must survive the provider's redirects.
 */
export const oauthStateCookie = (config: { cookieName: string }) => ({
  name: stateCookieName(config.cookieName),
  options: {
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    maxAge: 600,
  } satisfies CookieOptions,
});
