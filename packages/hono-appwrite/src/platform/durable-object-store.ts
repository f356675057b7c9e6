/// <reference path="./cloudflare-workers.d.ts" />
// Abuse counters on Cloudflare Workers: one Durable Object per rule and client key. A Durable Object
// is strongly consistent and global, so every isolate and location shares one budget, and any
// window length works (the Workers Rate Limiting binding allows 10 or 60 s, per location, no reset).
import { DurableObject } from 'cloudflare:workers';
import { windowEnd } from '../rate-limit.ts';
import type { Hit, Limit, RateLimitStore } from '../settings.ts';

type Window = { resetAt: number; count: number };

/**
 * The counter of one key: its current window. Calls run one at a time (storage reads and writes
 * close the object's input gate), so check-and-count is atomic. An alarm deletes the state once the
 * window has ended, so idle keys cost nothing.
 */
export class RateLimitCounter extends DurableObject {
  async hit(limit: number, resetAt: number): Promise<{ allowed: boolean; count: number }> {
    const storage = this.ctx.storage;
    const current = await storage.get<Window>('w');
    // A call that was late, from before a window change, counts in the newer window; it never
    // resets it (nor its alarm).
    const end = Math.max(resetAt, current?.resetAt ?? 0);
    const count = current?.resetAt === end ? current.count : 0;
    if (count >= limit) return { allowed: false, count };
    await storage.put('w', { resetAt: end, count: count + 1 } satisfies Window);
    if (count === 0) await storage.setAlarm(end + 1000);
    return { allowed: true, count: count + 1 };
  }

  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** What the store uses of the `RATE_LIMITER` Durable Object namespace binding. */
export type RateLimitCounterNamespace = {
  idFromName(name: string): unknown;
  get(id: unknown): {
    hit(limit: number, resetAt: number): Promise<{ allowed: boolean; count: number }>;
    reset(): Promise<void>;
  };
};

/** {@link RateLimitStore} over the {@link RateLimitCounter} namespace. */
export class DurableObjectRateLimitStore implements RateLimitStore {
  readonly #namespace: RateLimitCounterNamespace;

  constructor(namespace: RateLimitCounterNamespace) {
    this.#namespace = namespace;
  }

  async hit(key: string, limit: Limit, now: number): Promise<Hit> {
    const resetAt = windowEnd(limit, now);
    const counter = this.#namespace.get(this.#namespace.idFromName(key));
    return { ...(await counter.hit(limit.limit, resetAt)), resetAt };
  }

  async reset(key: string): Promise<void> {
    await this.#namespace.get(this.#namespace.idFromName(key)).reset();
  }
}
