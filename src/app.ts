import type { Context } from 'hono';
import { appwriteAuth, appwriteErrorHandler, authRoutes, originCheck } from 'hono-appwrite';
import type { Config } from './config.ts';
import { Hono } from './hono.ts';
import { type CreateAppOptions, libraryOptions } from './options.ts';
import { pageHeaders } from './page-headers.ts';
import { JwtPage, renderPage } from './pages/views.tsx';
import { requestLog } from './request-log.ts';
import { addApiHeaders, apiJson } from './responses.ts';
import { meRoutes } from './routes/me.ts';
import { pageRoutes } from './routes/pages.tsx';
import { tablesRoutes } from './routes/tables.ts';
import type { AppEnv } from './types.ts';

export type { CreateAppOptions } from './options.ts';

const NOT_FOUND = { message: 'Route not found.', code: 404, type: 'general_route_not_found' } as const;

/** Every answer gets the API headers it lacks, errors included (see `addApiHeaders`). */
const errorAnswer = (error: Error, c: Context<AppEnv>): Response | Promise<Response> => {
  const answer = appwriteErrorHandler(error, c) as Response;
  addApiHeaders(answer);
  return answer;
};

/**
 * The reference app: the auth routes at `/auth`, `/me` and the TablesDB rows route acting as the
 * signed-in user, and the server-rendered pages. Every error is JSON `{message, code, type}`.
 */
export const createApp = (config: Config, options: CreateAppOptions = {}): Hono<AppEnv> => {
  const { auth, routes } = libraryOptions(config, options);
  const signedIn = appwriteAuth(auth);
  const app = new Hono<AppEnv>();
  if (config.LOG_LEVEL !== 'error') app.use(requestLog(config.LOG_LEVEL === 'debug'));
  app.use(async (c, next) => {
    await next();
    // After the route (and onError / notFound, which run inside `next`): the hot routes answer
    // with `apiJson`, which has them already; every other answer gets those it lacks.
    addApiHeaders(c.res);
  });
  const pages = pageHeaders(config.ALLOWED_ORIGINS);
  for (const path of ['/', config.LOGIN_PATH, '/signup', '/assets/*', '/favicon.ico', '/auth/*']) {
    app.use(path, pages);
  }
  app.get('/health', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }));
  app.use(originCheck({ publicOrigin: config.PUBLIC_ORIGIN, allowedOrigins: config.ALLOWED_ORIGINS }));
  app.route('/auth', authRoutes({ ...routes, renderJwt: (c, minted) => renderPage(c, JwtPage(minted)) }));
  app.use('/me', signedIn);
  app.route('/me', meRoutes);
  app.use('/tables/*', signedIn);
  app.route('/tables', tablesRoutes);
  app.route('/', pageRoutes(config, appwriteAuth({ ...auth, optional: true })));
  app.notFound((c) => c.json(NOT_FOUND, 404));
  app.onError(errorAnswer);
  // Hono's router keys plain objects by method: a method named `toString`, `constructor` or
  // `__proto__` throws inside it (or pollutes Object.prototype) before any handler or onError runs.
  // Such a method matches no route, so it gets the 404 an unknown method gets.
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) =>
    request.method in Object.prototype ? apiJson(NOT_FOUND, 404) : dispatch(request, ...rest);
  return app;
};
