// Bun entry: `npm run start:bun`. Needs APPWRITE_* in the environment (e.g. `npm run emulator`).
import { getConnInfo } from 'hono/bun';
import { configOrExit } from '../src/config.ts';
import { createServerApp } from '../src/server-app.ts';

const app = await createServerApp(configOrExit(process.env), {
  // The socket's peer address (Bun passes its server as the env), for per-IP limits.
  connInfo: (c) => getConnInfo(c).remote.address,
});
const port = Number(process.env.PORT ?? 8787);
console.log(`hono-appwrite (Bun) listening on http://127.0.0.1:${port}`);
export default { fetch: app.fetch, port, hostname: '127.0.0.1' };
