import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type HmacSha256Verifier, IdentityCache } from './appwrite/identity.ts';
import { hashSecret, JwtCache } from './appwrite/jwt-cache.ts';
import type { Transport } from './appwrite/transport.ts';
import type { Config } from './config.ts';
import { AppwriteHttpError } from './errors.ts';
import { Hono } from './hono.ts';
import { appwriteAuth } from './middleware/appwrite-auth.ts';
import { originCheck } from './middleware/origin-check.ts';
import { MemoryRateLimitStore, RateLimitError, type RateLimiter, type RateLimitStore } from './rate-limit.ts';
import { addApiHeaders, apiJson } from './responses.ts';
import { authRoutes } from './routes/auth.ts';
import { meRoutes } from './routes/me.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { pageRoutes } from './routes/pages.tsx';
import { tablesRoutes } from './routes/tables.ts';
import type { AppEnv } from './types.ts';

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** Cache of minted JWTs; default a new one per app. Shared only to inspect it in tests. */
  jwtCache?: JwtCache;
  /**
   * The HTTP layer under node-appwrite; default its own undici `fetch` (the platform's on Workers).
   * On Node, `poolTransport()` from `src/platform/undici-pool.ts` is about 3× faster (bench/).
   */
  transport?: Transport;
  /**
   * Hashes credentials into cache keys. Default Web Crypto SHA-256, which works everywhere but is
   * asynchronous and, on Node, costs ~12 % of a cached `/me`; the Node, Bun and Deno entries pass
   * `node:crypto`'s synchronous one (`src/platform/node-crypto.ts`).
   */
  hashSecret?: (secret: string) => string | Promise<string>;
  /**
   * Checks Bearer JWT signatures with `APPWRITE_JWT_KEY`. Default Web Crypto (async); the Node, Bun
   * and Deno entries pass `node:crypto`'s synchronous check (`src/platform/node-crypto.ts`).
   */
  verifyHmacSha256?: HmacSha256Verifier;
  /**
   * Where abuse counters live. Default: a {@link MemoryRateLimitStore} when `RATE_LIMIT_STORE` is
   * `memory`; the runtime entries build the Redis and Durable Object stores.
   */
  rateLimitStore?: RateLimitStore;
  /** The connection's peer address (hono's `getConnInfo` of the runtime), for per-IP limits. */
  connInfo?: (c: Context) => string | undefined;
  /** The clock of the limiter and the identity cache, in Unix milliseconds; default `Date.now` (tests move it). */
  now?: () => number;
}

const STATUS_TYPES: Record<number, string> = {
  400: 'general_argument_invalid',
  401: 'user_unauthorized',
  404: 'general_route_not_found',
  413: 'general_payload_too_large',
};

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
const requestLog =
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

/** The app's limiter, from `RATE_LIMIT_STORE` and the store the runtime built (if any). */
const rateLimiterOf = (config: Config, options: CreateAppOptions): RateLimiter | undefined => {
  if (config.RATE_LIMIT_STORE === 'off') return undefined;
  let store = options.rateLimitStore;
  if (!store) {
    if (config.RATE_LIMIT_STORE !== 'memory') {
      throw new Error(
        `Invalid configuration: RATE_LIMIT_STORE=${config.RATE_LIMIT_STORE} needs its store; start through the runtime entry (runtimes/).`,
      );
    }
    store = new MemoryRateLimitStore();
  }
  return {
    store,
    limits: config.RATE_LIMITS,
    ipHeader: config.CLIENT_IP_HEADER,
    connInfo: options.connInfo,
    now: options.now ?? Date.now,
  };
};

/**
 * Builds the hono-appwrite app: the auth routes, `/me` and the TablesDB rows route, acting as the
 * signed-in user through {@link appwriteAuth}. Every error is JSON `{message, code, type}`.
 */
export const createApp = (appConfig: Config, options: CreateAppOptions = {}): Hono<AppEnv> => {
  const jwtCache = options.jwtCache ?? new JwtCache();
  const secretHash = options.hashSecret ?? hashSecret;
  const identityCache =
    appConfig.IDENTITY_CACHE_TTL_SECONDS > 0
      ? new IdentityCache({
          ttlMs: appConfig.IDENTITY_CACHE_TTL_SECONDS * 1000,
          now: options.now ?? Date.now,
        })
      : undefined;
  const rateLimiter = rateLimiterOf(appConfig, options);
  // Every client built for this app (admin and per-user) goes through the chosen transport.
  const config: Config = options.transport ? { ...appConfig, transport: options.transport } : appConfig;
  const auth = (required: boolean) =>
    appwriteAuth({
      endpoint: config.APPWRITE_ENDPOINT,
      projectId: config.APPWRITE_PROJECT_ID,
      cookieName: config.SESSION_COOKIE_NAME,
      cookieDomain: config.SESSION_COOKIE_DOMAIN,
      timeoutMs: config.APPWRITE_TIMEOUT_MS,
      transport: options.transport,
      jwtKey: config.APPWRITE_JWT_KEY,
      verifyHmacSha256: options.verifyHmacSha256,
      required,
    });

  const app = new Hono<AppEnv>();
  if (config.LOG_LEVEL !== 'error') app.use('*', requestLog(config.LOG_LEVEL === 'debug'));
  app.use('*', async (c, next) => {
    c.set('config', config);
    c.set('jwtCache', jwtCache);
    c.set('identityCache', identityCache);
    c.set('hashSecret', secretHash);
    c.set('rateLimiter', rateLimiter);
    await next();
    // After the route (and onError / notFound, which run inside `next`): the hot routes answer
    // with `apiJson`, which has them already; every other answer gets those it lacks.
    addApiHeaders(c.res);
  });
  // HTML pages and the browser-facing /auth/* routes also get hono/secure-headers' full set, with
  // the pages' CSP. It writes after the handler, which these routes can afford.
  const pageHeaders = secureHeaders({
    // The pages use one same-origin stylesheet and same-origin forms; nothing else may load.
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'", ...config.ALLOWED_ORIGINS],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    // Not `no-referrer`: under it browsers send `Origin: null` with form posts, which the origin
    // check must refuse. `same-origin` still sends nothing to other sites.
    referrerPolicy: 'same-origin',
    // The legacy twin of `frame-ancestors 'none'`, for browsers that predate CSP 2.
    xFrameOptions: 'DENY',
  });
  for (const path of ['/', config.LOGIN_PATH, '/signup', '/assets/*', '/favicon.ico', '/auth/*']) {
    app.use(path, pageHeaders);
  }
  app.get('/health', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }));

  app.use('*', originCheck({ publicOrigin: config.PUBLIC_ORIGIN, allowedOrigins: config.ALLOWED_ORIGINS }));
  app.use(
    '/auth/*',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new AppwriteHttpError(
          413,
          'general_payload_too_large',
          'The request body is larger than 16 KiB.',
        );
      },
    }),
  );
  // Not required: these handlers refuse a request without a session themselves, inside `formAware`,
  // so a form post from a stale page is sent back to a page instead of getting a JSON 401.
  app.use('/auth/upgrade', auth(false));
  app.use('/auth/logout', auth(false));
  app.use('/auth/jwt', auth(false));
  app.route('/auth/oauth', oauthRoutes);
  app.route('/auth', authRoutes);
  app.use('/me', auth(true));
  app.route('/me', meRoutes);
  app.use('/tables/*', auth(true));
  app.route('/tables', tablesRoutes);
  app.route('/', pageRoutes(config));

  app.notFound((c) =>
    c.json({ message: 'Route not found.', code: 404, type: 'general_route_not_found' }, 404),
  );
  // The headers go on here too: an error Hono raises outside the middleware chain (e.g. a route
  // that returns nothing) reaches onError without passing the first middleware's `addApiHeaders`.
  app.onError((error, c) => {
    const answer = errorAnswer(error, c);
    addApiHeaders(answer);
    return answer;
  });
  const errorAnswer = (error: Error, c: Context<AppEnv>): Response => {
    if (error instanceof AppwriteHttpError) {
      if (error instanceof RateLimitError) c.header('Retry-After', String(error.retryAfterSeconds));
      if (error.status >= 500) {
        const cause = (error.cause as { name?: unknown } | null)?.name ?? typeof error.cause;
        console.error(
          `${c.req.method} ${new URL(c.req.url).pathname} → ${error.status} ${error.type} (${cause})`,
        );
      }
      return c.json(error.toBody(), error.status);
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      const type = STATUS_TYPES[status] ?? 'general_http_error';
      return c.json({ message: error.message || type, code: status, type }, status);
    }
    // Name only: messages of unexpected errors can carry request data.
    console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed: ${error.name}`);
    return c.json({ message: 'Server Error', code: 500, type: 'general_unknown' }, 500);
  };
  // Hono's router keys plain objects by method: a method named `toString`, `constructor` or
  // `__proto__` throws inside it (or pollutes Object.prototype) before any handler or onError runs.
  // Such a method matches no route, so it gets the 404 an unknown method gets.
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) =>
    request.method in Object.prototype
      ? apiJson({ message: 'Route not found.', code: 404, type: 'general_route_not_found' }, 404)
      : dispatch(request, ...rest);
  return app;
};
