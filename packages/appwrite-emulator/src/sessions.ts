import type { Context } from 'hono';
import { clientIp, type EmulatorEnv, encodeStore, requestHostname, sessionCookieName } from './auth.ts';
import { randomHex, sha256, uniqueId } from './crypto.ts';
import type { Session, User } from './model.ts';
import { sessionModel } from './models.ts';
import { parseUserAgent } from './useragent.ts';

/**
 * The user agent Appwrite records: `X-Forwarded-User-Agent` only when an API key authenticated the
 * request (a server acting for its user), otherwise the request's own `User-Agent`.
 */
export const effectiveUserAgent = (c: Context<EmulatorEnv>): string => {
  const forwarded = c.req.header('x-forwarded-user-agent');
  if (forwarded && c.var.caller.kind === 'key') return forwarded;
  return c.req.header('user-agent') ?? '';
};

const isIpOrLocalhost = (hostname: string): boolean =>
  hostname === 'localhost' || /^[\d.]+$/.test(hostname) || hostname.startsWith('[');

const registrableDomain = (hostname: string): string =>
  isIpOrLocalhost(hostname) ? hostname : hostname.split('.').slice(-2).join('.');

/**
 * Appwrite's `domainVerification`: true when the request's Origin (or Referer) shares the API
 * host's registrable domain. Without an Origin (server-to-server) it is false, and Appwrite then
 * also returns the credential in `X-Fallback-Cookies`.
 */
export const domainVerified = (c: Context): boolean => {
  const origin = c.req.header('origin') || c.req.header('referer');
  if (!origin || !URL.canParse(origin)) return false;
  return registrableDomain(new URL(origin).hostname) === registrableDomain(requestHostname(c));
};

const isHttps = (c: Context): boolean => {
  const forwarded = c.req.header('x-forwarded-proto');
  return (forwarded ? forwarded.split(',')[0]?.trim() : new URL(c.req.url).protocol.slice(0, -1)) === 'https';
};

const cookieAttributes = (c: Context, expires: Date): string => {
  const hostname = requestHostname(c);
  // Appwrite omits Domain for localhost and IP addresses, otherwise scopes to `.<hostname>`.
  const domain = isIpOrLocalhost(hostname) ? '' : `; Domain=.${hostname}`;
  return `; Expires=${expires.toUTCString()}; Path=/${domain}${isHttps(c) ? '; Secure' : ''}; HttpOnly`;
};

/** Sets `a_session_<p>` (SameSite=None) and `a_session_<p>_legacy` (no SameSite), as Appwrite does. */
export const setSessionCookies = (c: Context<EmulatorEnv>, encoded: string, expire: number): void => {
  const name = sessionCookieName(c.var.project.id);
  const value = encodeURIComponent(encoded);
  const attributes = cookieAttributes(c, new Date(expire));
  c.header('Set-Cookie', `${name}_legacy=${value}${attributes}`, { append: true });
  c.header('Set-Cookie', `${name}=${value}${attributes}; SameSite=None`, { append: true });
  if (!domainVerified(c)) {
    c.header('X-Fallback-Cookies', JSON.stringify({ [`a_session_${c.var.project.id}`]: encoded }));
  }
};

/** Clears both session cookies (value `deleted`, expired) after the caller's own session is deleted. */
export const clearSessionCookies = (c: Context<EmulatorEnv>): void => {
  const name = sessionCookieName(c.var.project.id);
  const attributes = cookieAttributes(c, new Date(0));
  c.header('Set-Cookie', `${name}_legacy=deleted${attributes}; Max-Age=0`, { append: true });
  c.header('Set-Cookie', `${name}=deleted${attributes}; Max-Age=0; SameSite=None`, { append: true });
  if (!domainVerified(c)) c.header('X-Fallback-Cookies', '[]');
};

export interface SessionDetails {
  provider: string;
  providerUid: string;
  factors: string[];
  /** The user agent recorded when the request names none. */
  defaultUserAgent?: string;
}

/**
 * Creates and stores a session for `user`, deleting the oldest beyond the project's `maxSessions`,
 * and, unless `cookies` is false, sets both cookies (and `X-Fallback-Cookies` for server-to-server
 * calls). Returns the session and the cookie value.
 */
export const openSession = (
  c: Context<EmulatorEnv>,
  user: User,
  details: SessionDetails,
  cookies = true,
): { session: Session; encoded: string } => {
  const { project, emulator } = c.var;
  const now = emulator.clock.now();
  const secret = randomHex(128);
  const session: Session = {
    id: uniqueId(now),
    createdAt: now,
    updatedAt: now,
    userId: user.id,
    expire: now + project.auth.duration * 1000,
    provider: details.provider,
    providerUid: details.providerUid,
    secretHash: sha256(secret),
    ip: clientIp(c),
    userAgent: parseUserAgent(effectiveUserAgent(c) || (details.defaultUserAgent ?? '')),
    factors: details.factors,
  };
  user.sessions.push(session);
  while (user.sessions.length > project.auth.maxSessions) user.sessions.shift();
  const encoded = encodeStore({ id: user.id, secret });
  if (cookies) setSessionCookies(c, encoded, session.expire);
  return { session, encoded };
};

/**
 * Creates a session for `user` and answers 201 with the Session model, both cookies and (for
 * server-to-server calls) `X-Fallback-Cookies`. `secret` is only filled for API-key callers.
 */
export const createSessionResponse = (
  c: Context<EmulatorEnv>,
  user: User,
  details: SessionDetails,
  options: { cookies?: boolean } = {},
): Response => {
  const { session, encoded } = openSession(c, user, details, options.cookies !== false);
  user.accessedAt = session.createdAt;
  return c.json(
    sessionModel(session, { current: true, secret: c.var.caller.kind === 'key' ? encoded : '' }),
    201,
  );
};
