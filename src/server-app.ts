// The app as the Node, Bun and Deno entries build it: node:crypto's synchronous SHA-256 and HMAC
// (Web Crypto's are asynchronous), the Redis store when RATE_LIMIT_STORE=redis, and what the
// runtime passes (its socket peer address for per-IP limits; on Node, the pooled transport).
import { nodeCrypto } from 'hono-appwrite/node';
import { RedisRateLimitStore } from 'hono-appwrite/redis';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import type { CreateAppOptions } from './options.ts';

/** {@link createApp} with the options every server runtime shares, plus `options`. */
export const createServerApp = async (
  config: Config,
  options: Pick<CreateAppOptions, 'connInfo' | 'transport'>,
): Promise<ReturnType<typeof createApp>> => {
  const rateLimitStore =
    config.RATE_LIMIT_STORE === 'redis' && config.REDIS_URL
      ? await RedisRateLimitStore.connect(config.REDIS_URL)
      : undefined;
  return createApp(config, {
    ...nodeCrypto,
    ...(rateLimitStore ? { rateLimitStore } : {}),
    ...options,
  });
};
