import type { Context } from 'hono';
import { errors } from './errors.ts';

/** The worker's public origin: `publicOrigin`, or the origin the request was addressed to. */
export const publicOrigin = (c: Context, config: { publicOrigin: string | undefined }): string =>
  config.publicOrigin ?? new URL(c.req.url).origin;

/**
 * True when a `Location` value lands, as a browser resolves it against `origin` (the WHATWG URL
 * parser), on `origin` or an allow-listed origin. A path must start with exactly one `/`: `//host`
 * and `/\\host` are other origins to a browser.
 */
export const landsOnTrustedOrigin = (
  location: string,
  origin: string,
  allowedOrigins: readonly string[],
): boolean => {
  if (/^[/\\]{2}/.test(location) || !URL.canParse(location, origin)) return false;
  const url = new URL(location, origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return url.origin === origin || allowedOrigins.includes(url.origin);
};

/**
 * Resolves a `next` redirect target: a same-origin path (returned as a path) or a URL on an
 * allow-listed origin (returned whole). `undefined`/empty means `fallback`. Anything else — other
 * origins, `//host`, backslashes, control characters, non-http schemes — is `null`. The value
 * returned is judged, not the one received: dot segments and percent-encoded dots can turn
 * `/..//evil.example` into the path `//evil.example`, which is refused.
 */
export const safeRedirect = (
  next: string | undefined,
  origin: string,
  allowedOrigins: readonly string[],
  fallback = '/',
): string | null => {
  if (next === undefined || next === '') return fallback;
  // Browsers treat `\` as `/` and drop tabs/newlines inside URLs: `/\evil.example` is cross-origin.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (next.length > 2048 || /[\u0000-\u001f\u007f\\]/.test(next)) return null;
  if (!URL.canParse(next, origin)) return null;
  const url = new URL(next, origin);
  const target =
    next.startsWith('/') && url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : url.href;
  return landsOnTrustedOrigin(target, origin, allowedOrigins) ? target : null;
};

/** {@link safeRedirect} that throws 400 `general_argument_invalid` for an unsafe target. */
export const requireSafeRedirect = (
  c: Context,
  config: { publicOrigin: string | undefined; allowedOrigins: readonly string[] },
  next: string | undefined,
): string => {
  const target = safeRedirect(next, publicOrigin(c, config), config.allowedOrigins);
  if (target === null) {
    throw errors.invalidArgument(
      'Invalid `next` param: only paths on this site or allow-listed origins are accepted.',
    );
  }
  return target;
};

/** True when the client is a browser navigating (it prefers HTML), so errors become redirects. */
export const wantsHtml = (c: Context): boolean => {
  const accept = c.req.header('Accept') ?? '';
  return accept.includes('text/html');
};

/** True for HTML form submissions, which are answered with 303 redirects instead of JSON. */
export const isFormPost = (c: Context): boolean => {
  const type = c.req.header('Content-Type')?.toLowerCase() ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
};

/** `path` with `params` added to its query string (works for paths and absolute URLs). */
export const withQuery = (path: string, params: Record<string, string>): string => {
  const url = new URL(path, 'http://placeholder.invalid');
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return path.startsWith('/') ? `${url.pathname}${url.search}${url.hash}` : url.href;
};
