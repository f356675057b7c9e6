import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { type EmulatorEnv, resolveCaller, resolveProject } from './auth.ts';
import type { EmulatorContext } from './context.ts';
import { APPWRITE_VERSION, AppwriteError } from './errors.ts';
import { outboxRoutes } from './outbox.ts';
import { accountRoutes } from './routes/account.ts';
import { controlRoutes } from './routes/control.ts';
import { consoleRoutes, oauthCallback, oauthRoutes, providerRoutes } from './routes/oauth.ts';
import { tablesRoutes } from './routes/tablesdb.ts';
import { teamsRoutes } from './routes/teams.ts';
import { usersRoutes } from './routes/users.ts';

const CORS_ALLOW_HEADERS = [
  'Origin',
  'Cookie',
  'Set-Cookie',
  'X-Requested-With',
  'Content-Type',
  'Access-Control-Allow-Origin',
  'Access-Control-Request-Headers',
  'Accept',
  'X-Appwrite-Project',
  'X-Appwrite-Key',
  'X-Appwrite-Locale',
  'X-Appwrite-Mode',
  'X-Appwrite-JWT',
  'X-Appwrite-Response-Format',
  'X-Appwrite-Timeout',
  'X-SDK-Version',
  'X-SDK-Name',
  'X-SDK-Language',
  'X-SDK-Platform',
  'X-SDK-GraphQL',
  'X-Appwrite-ID',
  'X-Appwrite-Timestamp',
  'Content-Range',
  'Range',
  'Cache-Control',
  'Expires',
  'Pragma',
  'X-Appwrite-Session',
  'X-Fallback-Cookies',
  'X-Forwarded-For',
  'X-Forwarded-User-Agent',
].join(', ');

const isPlatform = (emulator: EmulatorContext, origin: string | undefined): boolean => {
  if (!origin || !URL.canParse(origin)) return false;
  const { hostname } = new URL(origin);
  return [...emulator.state.projects.values()].some((project) => project.platforms.includes(hostname));
};

/** Errors on OAuth2 browser routes are HTML pages, as Appwrite renders them for its `error`-labelled routes. */
const wantsHtml = (c: Context) => /\/oauth2\//.test(new URL(c.req.url).pathname);

const errorPage = (error: AppwriteError) => html`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Error ${error.code}</title></head>
  <body>
    <h1>Error ${error.code}</h1>
    <p>${error.message}</p>
    <p>Type: <code>${error.type}</code></p>
  </body>
</html>`;

/** Appwrite's error response: JSON `{message, code, type, version}` (HTML on OAuth2 routes), no caching. */
const renderError = (c: Context, error: AppwriteError): Response | Promise<Response> => {
  c.header('Cache-Control', 'no-cache, no-store, must-revalidate');
  c.header('Expires', '0');
  c.header('Pragma', 'no-cache');
  const status = error.code as 400;
  return wantsHtml(c) ? c.html(errorPage(error), status) : c.json(error.toJSON(), status);
};

/** The loopback names the emulator always answers to. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

// A registered name, an IPv4 address or a bracketed IPv6 literal, without a port.
const HOST_NAME = /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/i;

/** Options of {@link createEmulatorApp}. */
export interface EmulatorAppOptions {
  /**
   * Host names (no port) the emulator answers to besides `localhost`, `127.0.0.1` and `[::1]`.
   * Default: none. Requests addressed to any other name are refused, so a web page cannot reach a
   * running emulator through DNS rebinding.
   */
  allowedHosts?: readonly string[];
}

/**
 * The emulator's Hono app: Appwrite's REST API under `/v1`, the built-in OAuth2 provider and a
 * small control API under `/_emulator`. All state comes from `emulator`; nothing is global.
 * It answers only requests addressed to a loopback name or one of `options.allowedHosts`.
 */
export const createEmulatorApp = (
  emulator: EmulatorContext,
  options: EmulatorAppOptions = {},
): Hono<EmulatorEnv> => {
  const extraHosts = options.allowedHosts ?? [];
  const invalid = extraHosts.find((host) => !HOST_NAME.test(host));
  if (invalid !== undefined) throw new Error(`allowedHosts: "${invalid}" is not a host name without a port`);
  const allowedHosts = new Set([...LOOPBACK_HOSTS, ...extraHosts.map((host) => host.toLowerCase())]);
  // Any port: the name alone defeats DNS rebinding (a rebound page sends its own name), and the app
  // knows neither the port it will listen on nor the one a port forward exposes.
  const isAllowed = (host: string): boolean => allowedHosts.has(host.replace(/:\d{1,5}$/, '').toLowerCase());

  const app = new Hono<EmulatorEnv>();

  // Before every route, the control API included. Both the Host header and the URL's authority are
  // checked: on Node the URL is built from Host, except for an absolute-form request target. Only an
  // in-process `app.request(url)` may lack Host; one that came over a socket without it is refused.
  // The emulator serves a public demo API key, so what a rebound page could reach must be refused,
  // not merely unauthenticated.
  app.use('*', async (c, next) => {
    const header = c.req.header('host') ?? (c.env?.incoming ? '' : undefined);
    if ((header !== undefined && !isAllowed(header)) || !isAllowed(new URL(c.req.url).host)) {
      // general_unknown_origin (403): Appwrite's refusal of a caller it does not trust; the message
      // names the real rule, since no platform setting changes it.
      throw new AppwriteError(
        'general_unknown_origin',
        `The emulator only answers requests addressed to ${[...allowedHosts].join(', ')}.`,
      );
    }
    await next();
  });

  app.use('*', async (c, next) => {
    c.set('emulator', emulator);
    await next();
  });

  // Requests served under /v1 since start: benchmarks read it to count upstream calls per request.
  let apiRequests = 0;
  // Headers Appwrite sends on every API response (contract §3.5).
  app.use('/v1/*', async (c, next) => {
    apiRequests++;
    const origin = c.req.header('origin');
    c.header('Server', 'Appwrite');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    c.header('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS);
    c.header('Access-Control-Expose-Headers', 'X-Appwrite-Session, X-Fallback-Cookies');
    c.header(
      'Access-Control-Allow-Origin',
      isPlatform(emulator, origin) && origin ? origin : 'http://localhost',
    );
    c.header('Access-Control-Allow-Credentials', 'true');
    if (new URL(c.req.url).protocol === 'https:') c.header('Strict-Transport-Security', 'max-age=10886400');
    await next();
  });
  app.options('/v1/*', (c) => c.body(null, 204));

  app.get('/v1/health/version', (c) => c.json({ version: APPWRITE_VERSION }));
  app.on(['GET', 'POST'], '/v1/account/sessions/oauth2/callback/:provider/:projectId', oauthCallback);

  app.use('/v1/*', resolveProject);
  // Origin check (contract §3.6): browsers on unregistered origins may not write without a key.
  app.use('/v1/*', async (c, next) => {
    const origin = c.req.header('origin') || c.req.header('referer');
    const writes = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.req.method);
    if (origin && writes && !c.req.header('x-appwrite-key')) {
      const hostname = URL.canParse(origin) ? new URL(origin).hostname : '';
      if (!c.var.project.platforms.includes(hostname)) throw new AppwriteError('general_unknown_origin');
    }
    await next();
  });
  app.use('/v1/*', resolveCaller);

  app.route('/v1', accountRoutes);
  app.route('/v1', oauthRoutes);
  app.route('/v1', usersRoutes);
  app.route('/v1', tablesRoutes);
  app.route('/v1', teamsRoutes);
  app.route('/_emulator', providerRoutes);
  app.route('/console', consoleRoutes);

  // Registered before the control API, whose middleware would otherwise ask for an API key.
  app.route('/_emulator/maildev', outboxRoutes(emulator));
  app.route(
    '/_emulator',
    controlRoutes(emulator, () => apiRequests),
  );

  app.notFound((c) => renderError(c, new AppwriteError('general_route_not_found')));
  app.onError((error, c) => {
    if (error instanceof AppwriteError) return renderError(c, error);
    // Log the failure for the developer, never request data (it may hold credentials).
    console.error(`[emulator] ${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
    return renderError(c, new AppwriteError('general_unknown', 'Server Error'));
  });

  return app;
};
