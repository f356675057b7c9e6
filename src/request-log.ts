import type { MiddlewareHandler } from 'hono';

/**
 * Request headers whose values the debug log shows; every other value is `[redacted]`. An allowlist:
 * credentials travel in many headers (`Authorization`, `Cookie`, `X-Appwrite-*`, the Appwrite Web
 * SDK's `X-Fallback-Cookies`, identity-aware proxies' JWT headers …).
 */
const LOGGED_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-length',
  'content-type',
  'host',
  'origin',
  'referer',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-real-ip',
  'cf-connecting-ip',
  'cf-ray',
]);

/**
 * JSON for a log line: `JSON.stringify` escapes C0 controls but not DEL, the C1 controls (U+0085 is
 * a line break to many tools, U+009B a terminal escape) or U+2028/2029; those are escaped too.
 */
const UNSAFE_IN_LOGS = /[\u007f-\u009f\u2028\u2029]/g;
const logSafe = (value: unknown): string =>
  JSON.stringify(value).replace(
    UNSAFE_IN_LOGS,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * A `Referer` as the debug log shows it: its origin only. Its path and query can hold what an
 * identity provider or a page put there (codes, tokens, emails).
 */
const refererForLog = (referer: string): string => {
  if (!URL.canParse(referer)) return '[unparsable]';
  const { origin } = new URL(referer);
  return origin === 'null' ? '[opaque]' : origin;
};

/**
 * One line per request: method, path (never the query: OAuth callbacks carry a secret in it),
 * status and time; with `debug`, the request headers (values of known safe ones only) and the names of the
 * cookies set. Values go through `JSON.stringify`, so no client input can forge a log line.
 */
export const requestLog =
  (debug: boolean): MiddlewareHandler =>
  async (c, next) => {
    const started = performance.now();
    await next();
    const path = logSafe(new URL(c.req.url).pathname.slice(0, 256));
    let line = `${c.req.method.slice(0, 16)} ${path} → ${c.res.status} ${(performance.now() - started).toFixed(1)} ms`;
    if (debug) {
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, name) => {
        if (name === 'referer') headers[name] = refererForLog(value);
        else headers[name] = LOGGED_HEADERS.has(name) ? value.slice(0, 512) : '[redacted]';
      });
      const cookies = c.res.headers.getSetCookie().map((cookie) => cookie.slice(0, cookie.indexOf('=')));
      line += ` headers=${logSafe(headers)} set-cookie=${logSafe(cookies)}`;
    }
    console.log(line);
  };
