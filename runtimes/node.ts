// Node entry: `npm start`. Without APPWRITE_ENDPOINT it starts the embedded Appwrite emulator (demo seed).
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { startEmulator } from '../emulator/index.ts';
import { parseConfig } from '../src/config.ts';
import { answerClientErrorsAsJson } from '../src/platform/client-error.ts';
import { createServerApp } from '../src/platform/server-app.ts';
import { poolTransport } from '../src/platform/undici-pool.ts';

// On `localhost`, another site than the worker's 127.0.0.1, as Appwrite is in production.
const emulator = process.env.APPWRITE_ENDPOINT
  ? undefined
  : await startEmulator({ port: 0, hostname: 'localhost' });
const demo = {
  APPWRITE_PROJECT_ID: 'demo',
  APPWRITE_API_KEY: 'demo-api-key',
  OAUTH_PROVIDERS: 'github,google',
  HOME_TABLE: '642f358bf4084c662590/642f3592aa5fc856ad1e',
};
const config = parseConfig(
  emulator ? { ...demo, ...process.env, APPWRITE_ENDPOINT: emulator.endpoint } : process.env,
);
// node-appwrite over pooled keep-alive connections (undici Pool.dispatch) instead of undici's fetch.
const transport =
  config.APPWRITE_TRANSPORT === 'pool'
    ? poolTransport({
        connections: config.APPWRITE_MAX_CONNECTIONS,
        connectTimeoutMs: config.APPWRITE_TIMEOUT_MS,
      })
    : undefined;
const app = await createServerApp(config, {
  ...(transport ? { transport } : {}),
  // The socket's peer address, for per-IP limits (unless CLIENT_IP_HEADER names a proxy's header).
  connInfo: (c) => getConnInfo(c).remote.address,
});
const server = serve(
  {
    fetch: app.fetch,
    port: Number(process.env.PORT ?? 8787),
    hostname: '127.0.0.1',
  },
  (info) => {
    console.log(`hono-appwrite listening on http://127.0.0.1:${info.port} (open it in a browser)`);
    if (emulator)
      console.log(
        `Appwrite emulator at ${emulator.endpoint} (project demo, API key demo-api-key; users user-a@example.com / password-a, user-b, user-c)`,
      );
  },
);
// Requests Node's parser rejects (e.g. oversized headers) get the app's JSON error shape too.
answerClientErrorsAsJson(server);
