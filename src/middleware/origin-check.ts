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

/**
 * Rejects cross-origin unsafe requests (POST, PUT, PATCH, DELETE …) with 403
 * `general_unknown_origin`, whatever their content type — unlike `hono/csrf`, which checks form
 * types only, so a cross-site `fetch` with a JSON body and ambient cookies would pass it.
 * Browsers send `Origin` on every unsafe request; when it is absent, `Sec-Fetch-Site` decides, and
 * when both are absent the client is not a browser (no ambient cookies to abuse) and passes.
 *
 * @example
 * ```ts
 * app.use(originCheck({ allowedOrigins: ['https://app.example.com'] }));
 * ```
 */
export const originCheck = (options: OriginCheckOptions = {}) => {
  const allowed = new Set(options.allowedOrigins ?? []);
  const fixedOrigin = options.publicOrigin;
  return createMiddleware(async function originCheck(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const own = fixedOrigin ?? new URL(c.req.url).origin;
    const origin = c.req.header('Origin');
    if (origin !== undefined) {
      if (origin === own || allowed.has(origin)) return next();
      throw errors.unknownOrigin();
    }
    const site = c.req.header('Sec-Fetch-Site');
    if (site === undefined || site === 'same-origin' || site === 'none') return next();
    throw errors.unknownOrigin();
  });
};
