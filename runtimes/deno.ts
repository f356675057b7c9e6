// Deno entry: `npm run start:deno`. Needs APPWRITE_* in the environment (e.g. `npm run emulator`).
import process from 'node:process';
import { getConnInfo } from 'hono/deno';
import { parseConfig } from '../src/config.ts';
import { createServerApp } from '../src/platform/server-app.ts';

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen?: () => void },
    handler: typeof app.fetch,
  ): unknown;
};

const config = parseConfig(process.env);
const app = await createServerApp(config, {
  // The socket's peer address (Deno passes the connection info as the env), for per-IP limits.
  connInfo: (c) => getConnInfo(c).remote.address,
});
const port = Number(process.env.PORT ?? 8787);
Deno.serve(
  {
    port,
    hostname: '127.0.0.1',
    onListen: () => console.log(`hono-appwrite (Deno) listening on http://127.0.0.1:${port}`),
  },
  app.fetch,
);
