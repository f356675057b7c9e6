import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Config } from './config.ts';

export type AppEnv = { Variables: { config: Config } };

/**
 * Builds the hono-appwrite app. So far it serves `/health`; the auth middleware and routes land
 * with the worker issue. Every error is JSON `{message, code, type}`, never a stack trace.
 */
export const createApp = (config: Config): Hono<AppEnv> => {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('config', config);
    await next();
  });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.notFound((c) =>
    c.json({ message: 'Route not found.', code: 404, type: 'general_route_not_found' }, 404),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json({ message: error.message, code: error.status, type: 'general_http_error' }, error.status);
    }
    console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed: ${error.name}`);
    return c.json({ message: 'Server Error', code: 500, type: 'general_unknown' }, 500);
  });
  return app;
};
