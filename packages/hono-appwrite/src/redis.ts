/**
 * A rate-limit store in Redis, shared by every process of a fleet (Node, Bun, Deno). Needs the
 * optional peer dependency `@redis/client`.
 *
 * @module
 */
export { RedisRateLimitStore, type RedisStoreOptions } from './platform/redis-store.ts';
