// Bun entry: `npm run start:bun`. Needs APPWRITE_* in the environment (e.g. `npm run emulator`).
import { getConnInfo } from 'hono/bun';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { nodeCryptoOptions } from '../src/platform/node-crypto.ts';
import { redisStoreFor } from '../src/platform/redis-store.ts';

const config = parseConfig(process.env);
const rateLimitStore = await redisStoreFor(config);
const app = createApp(config, {
  // Synchronous SHA-256 and HMAC from node:crypto (Web Crypto's are asynchronous).
  ...nodeCryptoOptions,
  ...(rateLimitStore ? { rateLimitStore } : {}),
  // The socket's peer address (Bun passes its server as the env), for per-IP limits.
  connInfo: (c) => getConnInfo(c).remote.address,
});
const port = Number(process.env.PORT ?? 8787);
console.log(`hono-appwrite (Bun) listening on http://127.0.0.1:${port}`);
export default { fetch: app.fetch, port, hostname: '127.0.0.1' };
