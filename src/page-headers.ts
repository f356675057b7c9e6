import { secureHeaders } from 'hono/secure-headers';

/**
 * hono/secure-headers' full set for the HTML pages and the browser-facing auth routes, with the
 * pages' CSP: one same-origin stylesheet and same-origin forms (or forms posting to `formOrigins`);
 * nothing else may load.
 */
export const pageHeaders = (formOrigins: readonly string[]) =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'", ...formOrigins],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    // Not `no-referrer`: under it browsers send `Origin: null` with form posts, which the origin
    // check must refuse. `same-origin` still sends nothing to other sites.
    referrerPolicy: 'same-origin',
    // The legacy twin of `frame-ancestors 'none'`, for browsers that predate CSP 2.
    xFrameOptions: 'DENY',
  });
