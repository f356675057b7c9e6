import type { Clock } from './clock.ts';

/** A route's limit, as in Appwrite's `abuse-limit`, `abuse-time` and `abuse-key` labels. */
export interface RateLimitRule {
  limit: number;
  /** Window length in seconds. */
  window: number;
  /** Key template, e.g. `url:{url},email:{param-email}`. */
  key: string;
  /** 1.9 `abuse-reset`: a response with one of these statuses clears the counter. */
  resetOn?: number[];
}

export interface RateLimitResult {
  limit: number;
  remaining: number;
  reset: number;
  exceeded: boolean;
}

/**
 * Fixed-window counters keyed as Appwrite's `TimeLimit` adapter keys them
 * (`abuse__<key>__<windowStart>`). Rejected requests are not counted.
 */
export class RateLimiter {
  readonly #counters = new Map<string, { count: number; end: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  #bucket(rule: RateLimitRule, key: string): { id: string; windowStart: number } {
    const now = Math.floor(this.#clock.now() / 1000);
    const windowStart = now - (now % rule.window);
    return { id: `abuse__${key}__${windowStart}`, windowStart };
  }

  /** Counts one request unless `count` is false (API keys); reports the X-RateLimit-* values. */
  hit(rule: RateLimitRule, key: string, count: boolean): RateLimitResult {
    const { id, windowStart } = this.#bucket(rule, key);
    const before = this.#counters.get(id)?.count ?? 0;
    const exceeded = count && before >= rule.limit;
    if (count && !exceeded) {
      if (this.#counters.size > 10_000) this.#prune();
      this.#counters.set(id, { count: before + 1, end: windowStart + rule.window });
    }
    return {
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - (before + 1)),
      reset: windowStart + rule.window,
      exceeded,
    };
  }

  /** Clears the current window's counter (Appwrite 1.9 `abuse-reset`). */
  reset(rule: RateLimitRule, key: string): void {
    this.#counters.delete(this.#bucket(rule, key).id);
  }

  /** Forgets every counter. */
  clear(): void {
    this.#counters.clear();
  }

  #prune(): void {
    const now = Math.floor(this.#clock.now() / 1000);
    for (const [id, { end }] of this.#counters) {
      if (end <= now) this.#counters.delete(id);
    }
  }
}
