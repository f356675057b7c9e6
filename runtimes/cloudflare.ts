// Cloudflare Workers entry. wrangler.toml binds RATE_LIMITER to the rate-limit counter, sets
// RATE_LIMIT_STORE=durable-object and aliases `undici` and `json-bigint` to the library's stand-ins.
import { env } from 'cloudflare:workers';
import { DurableObjectRateLimitStore, type RateLimitCounterNamespace } from 'hono-appwrite/cloudflare';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

export { RateLimitCounter } from 'hono-appwrite/cloudflare';

const config = parseConfig(env);
const counters = env.RATE_LIMITER as RateLimitCounterNamespace | undefined;
export default createApp(config, {
  ...(config.RATE_LIMIT_STORE === 'durable-object' && counters
    ? { rateLimitStore: new DurableObjectRateLimitStore(counters) }
    : {}),
  // Set by Cloudflare's edge, never by the client: the client IP unless CLIENT_IP_HEADER says otherwise.
  connInfo: (c) => c.req.header('CF-Connecting-IP'),
});
