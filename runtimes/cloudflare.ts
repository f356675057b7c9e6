// Cloudflare Workers entry (module worker). `wrangler.toml` aliases `undici` to the platform's fetch,
// binds RATE_LIMITER to the rate-limit counter and sets RATE_LIMIT_STORE=durable-object.
import { env } from 'cloudflare:workers';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import {
  DurableObjectRateLimitStore,
  type RateLimitCounterNamespace,
} from '../src/platform/durable-object-store.ts';

export { RateLimitCounter } from '../src/platform/durable-object-store.ts';

const config = parseConfig(env);
const namespace = env.RATE_LIMITER as RateLimitCounterNamespace | undefined;
if (config.RATE_LIMIT_STORE === 'durable-object' && !namespace) {
  throw new Error('Invalid configuration: RATE_LIMIT_STORE=durable-object needs the RATE_LIMITER binding');
}

export default createApp(config, {
  ...(config.RATE_LIMIT_STORE === 'durable-object' && namespace
    ? { rateLimitStore: new DurableObjectRateLimitStore(namespace) }
    : {}),
  // Set by Cloudflare's edge, never by the client: the client IP unless CLIENT_IP_HEADER says otherwise.
  connInfo: (c) => c.req.header('CF-Connecting-IP'),
});
