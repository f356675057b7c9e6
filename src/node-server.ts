// Serves the app with @hono/node-server on 127.0.0.1: node-appwrite over pooled keep-alive
// connections (unless APPWRITE_TRANSPORT=fetch), per-IP limits from the socket's peer address, and
// JSON answers to requests Node's HTTP parser rejects.
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { answerClientErrorsAsJson, poolTransport } from 'hono-appwrite/node';
import type { Config } from './config.ts';
import { createServerApp } from './server-app.ts';

/** Starts the app on `PORT` (default 8787); `banner` lines are printed once it listens. */
export const serveNode = async (config: Config, port: number, banner: readonly string[] = []) => {
  const transport =
    config.APPWRITE_TRANSPORT === 'pool'
      ? poolTransport({
          connections: config.APPWRITE_MAX_CONNECTIONS,
          connectTimeoutMs: config.APPWRITE_TIMEOUT_MS,
        })
      : undefined;
  const app = await createServerApp(config, {
    ...(transport ? { transport } : {}),
    connInfo: (c) => getConnInfo(c).remote.address,
  });
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
    console.log(`hono-appwrite listening on http://127.0.0.1:${info.port} (open it in a browser)`);
    for (const line of banner) console.log(line);
  });
  return answerClientErrorsAsJson(server);
};
