// Abuse counters in Redis, shared by every worker process of a fleet (Node, Bun, Deno). Not for
// Workers: they use the Durable Object store (`hono-appwrite/cloudflare`).
import { createClient } from '@redis/client';
import { windowEnd } from '../rate-limit.ts';
import type { Hit, Limit, RateLimitStore } from '../settings.ts';

/**
 * Check and count in one step, atomically (Redis runs a script alone): a refused request is not
 * counted, as in Appwrite. The TTL is relative, with a second of grace, so clock skew between this
 * process and Redis cannot expire a window early.
 */
const HIT = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return {0, n} end
n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, n}`;

/** What the store uses of a node-redis client. */
type Client = {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  del(key: string): Promise<unknown>;
  readonly isOpen: boolean;
  close(): Promise<unknown>;
  destroy(): void;
};

/** Options of {@link RedisRateLimitStore.connect}. */
export type RedisStoreOptions = {
  /** Per command; past it the request fails closed with 503. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Prepended to every key. Default `hono-appwrite:rl:`. */
  prefix?: string;
};

/**
 * Fixed-window counters in Redis, one key per rule, client key and window, expiring with it. While
 * Redis is unreachable commands fail at once (no offline queue) and the limited routes answer 503:
 * limits fail closed. The client reconnects by itself.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: Client;
  readonly #prefix: string;

  private constructor(client: Client, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  /**
   * A store on `url` (`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS). Resolves
   * once connected, or after one command timeout: the client keeps retrying in the background.
   */
  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisRateLimitStore> {
    const timeout = options.commandTimeoutMs ?? 1000;
    let client: ReturnType<typeof createClient>;
    try {
      client = createClient({
        url,
        disableOfflineQueue: true,
        commandOptions: { timeout },
        socket: {
          connectTimeout: timeout,
          reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
        },
      });
    } catch {
      // The client's own error prints the URL, which may hold a password.
      throw new Error('Invalid configuration: REDIS_URL malformed');
    }
    let reported = false;
    client.on('error', (error: unknown) => {
      // Once per outage, by name only: the message can carry the URL, and the URL a password.
      if (!reported) console.error(`rate limiter: Redis unreachable (${(error as Error)?.name ?? 'Error'})`);
      reported = true;
    });
    client.on('ready', () => {
      reported = false;
    });
    // Wait for the first connection at most one timeout: the client goes on trying in the background.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      client.connect().catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeout);
      }),
    ]);
    clearTimeout(timer);
    return new RedisRateLimitStore(client as unknown as Client, options.prefix ?? 'hono-appwrite:rl:');
  }

  #key(key: string, resetAt: number) {
    return `${this.#prefix}${key}|${resetAt}`;
  }

  async hit(key: string, limit: Limit, now: number): Promise<Hit> {
    const resetAt = windowEnd(limit, now);
    const reply = await this.#client.eval(HIT, {
      keys: [this.#key(key, resetAt)],
      arguments: [String(limit.limit), String(resetAt - now + 1000)],
    });
    const [allowed, count] = reply as [number, number];
    return { allowed: allowed === 1, count: Number(count), resetAt };
  }

  async reset(key: string, limit: Limit, now: number): Promise<void> {
    await this.#client.del(this.#key(key, windowEnd(limit, now)));
  }

  /** Closes the connection (tests, graceful shutdown). */
  async close(): Promise<void> {
    if (this.#client.isOpen) await this.#client.close();
    else this.#client.destroy();
  }
}
