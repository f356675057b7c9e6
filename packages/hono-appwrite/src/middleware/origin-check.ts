import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { errors } from '../errors.ts';

/** Options of {@link originCheck}. */
export interface OriginCheckOptions {
  /** The app's own origin; default: the origin the request was addressed to. */
  publicOrigin?: string | undefined;
  /** Other origins allowed to send unsafe requests (e.g. a front end on another domain). Default none. */
  allowedOrigins?: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Content types an HTML form (or a CORS-free `fetch`) can send cross-site, with ambient cookies. */
const isFormType = (contentType: string | undefined): boolean => {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  return (
    type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data' || type === 'text/plain'
  );
};

/** The origin of a `Referer`, or `undefined` when it is not an absolute http(s) URL. */
const refererOrigin = (referer: string): string | undefined => {
  if (!URL.canParse(referer)) return undefined;
  const url = new URL(referer);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
};

/**
 * Rejects cross-origin unsafe requests (POST, PUT, PATCH, DELETE …) with 403
 * `general_unknown_origin`, whatever their content type — unlike `hono/csrf`, which checks form
 * types only, so a cross-site `fetch` with a JSON body and ambient cookies would pass it.
 * Browsers send `Origin` on every unsafe request; when it is absent, `Sec-Fetch-Site` decides. A
 * form post with neither (browsers too old to send them) must carry a trusted `Referer`, else it is
 * refused, as OWASP recommends. Other requests with neither header come from non-browser clients,
 * which hold no ambient cookies to abuse, and pass.
 *
 * @example
 * ```ts
 * app.use(originCheck({ allowedOrigins: ['https://app.example.com'] }));
 * ```
 */
export const originCheck = (options: OriginCheckOptions = {}): MiddlewareHandler => {
  const allowed = new Set(options.allowedOrigins ?? []);
  const fixedOrigin = options.publicOrigin;
  return createMiddleware(async function originCheck(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const own = fixedOrigin ?? new URL(c.req.url).origin;
    const trusted = (origin: string | undefined) =>
      origin !== undefined && (origin === own || allowed.has(origin));
    const origin = c.req.header('Origin');
    if (origin !== undefined) {
      if (trusted(origin)) return next();
      throw errors.unknownOrigin();
    }
    const site = c.req.header('Sec-Fetch-Site');
    if (site !== undefined) {
      if (site === 'same-origin' || site === 'none') return next();
      throw errors.unknownOrigin();
    }
    if (!isFormType(c.req.header('Content-Type'))) return next();
    const referer = c.req.header('Referer');
    if (referer !== undefined && trusted(refererOrigin(referer))) return next();
    throw errors.unknownOrigin();
  });
};
