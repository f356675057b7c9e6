// Bun entry: `npm run start:bun`. Needs APPWRITE_* in the environment (e.g. `npm run emulator`).
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

const app = createApp(parseConfig(process.env));
const port = Number(process.env.PORT ?? 8787);
console.log(`hono-appwrite (Bun) listening on http://127.0.0.1:${port}`);
export default { fetch: app.fetch, port, hostname: '127.0.0.1' };
