/**
 * A rate-limit store on Cloudflare Workers: one Durable Object per rule and client key. Export
 * `RateLimitCounter` from your Worker and bind it (see the README's Workers section).
 *
 * @module
 */
export {
  DurableObjectRateLimitStore,
  RateLimitCounter,
  type RateLimitCounterNamespace,
} from './platform/durable-object-store.ts';
