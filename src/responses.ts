// The headers every answer of the app carries, and the JSON answer of its hot routes.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * On every answer: every answer but /health and the stylesheet depends on who asks, so no shared
 * cache (CDN, proxy) may keep it; and the headers a JSON API needs (OWASP REST cheat sheet).
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'private, no-store',
  Vary: 'Authorization, Cookie',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
});

const JSON_API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...API_HEADERS,
  'Content-Type': 'application/json',
});

/** Marks a Response built with {@link API_HEADERS} already in it. */
const HAS_API_HEADERS = Symbol('hasApiHeaders');

/**
 * A JSON answer with {@link API_HEADERS}, as `c.json` would give it, for routes that set no other
 * header (no cookie, no rate-limit header). Its headers are one plain object, which
 * `@hono/node-server` writes as it is; `c.json` with more than one header builds a `Headers` that
 * the adapter then copies back into an object (docs/performance.md).
 */
export const apiJson = (data: unknown, status: ContentfulStatusCode = 200): Response => {
  const response = new Response(JSON.stringify(data), { status, headers: JSON_API_HEADERS });
  Object.defineProperty(response, HAS_API_HEADERS, { value: true });
  return response;
};

/**
 * Gives a finished answer the {@link API_HEADERS} it lacks; a header the route set itself (e.g.
 * `/health`'s `Cache-Control`, the pages' CSP) is kept. Answers from {@link apiJson} are left alone.
 */
export const addApiHeaders = (response: Response): void => {
  if (HAS_API_HEADERS in response) return;
  const headers = response.headers;
  for (const name in API_HEADERS) {
    if (!headers.has(name)) headers.set(name, API_HEADERS[name] as string);
  }
};
