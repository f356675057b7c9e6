// Deno entry: `npm run start:deno`. Needs APPWRITE_* in the environment (e.g. `npm run emulator`).
import process from 'node:process';
import { getConnInfo } from 'hono/deno';
import { configOrExit } from '../src/config.ts';
import { createServerApp } from '../src/server-app.ts';

declare const Deno: {
  serve(options: { port: number; hostname: string }, handler: typeof app.fetch): unknown;
};

const app = await createServerApp(configOrExit(process.env), {
  // The socket's peer address (Deno passes the connection info as the env), for per-IP limits.
  connInfo: (c) => getConnInfo(c).remote.address,
});
// Deno prints the address it listens on.
Deno.serve({ port: Number(process.env.PORT ?? 8787), hostname: '127.0.0.1' }, app.fetch);
