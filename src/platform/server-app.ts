// The app as the Node, Bun and Deno entries build it: node:crypto's synchronous SHA-256 and HMAC
// (Web Crypto's are asynchronous), the Redis store when RATE_LIMIT_STORE=redis, and what the
// runtime passes (its socket peer address for per-IP limits; on Node, the pooled transport).
import { type CreateAppOptions, createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { nodeCryptoOptions } from './node-crypto.ts';
import { redisStoreFor } from './redis-store.ts';

/** {@link createApp} with the options every server runtime shares, plus `options`. */
export const createServerApp = async (
  config: Config,
  options: Pick<CreateAppOptions, 'connInfo' | 'transport'>,
): Promise<ReturnType<typeof createApp>> => {
  const rateLimitStore = await redisStoreFor(config);
  return createApp(config, {
    ...nodeCryptoOptions,
    ...(rateLimitStore ? { rateLimitStore } : {}),
    ...options,
  });
};
