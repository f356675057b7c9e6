// A node-appwrite Transport on undici's Pool (Node): keep-alive connections per Appwrite origin and
// `Pool.request`, without fetch's WHATWG objects. Not for Workers (their `fetch` is the platform's).
import { Pool } from 'undici';
import type { Transport } from '../appwrite/transport.ts';

/** Options of {@link poolTransport}. */
export interface PoolTransportOptions {
  /** Connections per Appwrite origin. Default 64. */
  connections?: number;
  /** Idle keep-alive time of a connection, in milliseconds. Default 10000. */
  keepAliveTimeoutMs?: number;
  /** TCP + TLS connect deadline, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
}

/** One Pool per origin, created on first use; each request's deadline bounds headers and body. */
export const poolTransport = (options: PoolTransportOptions = {}): Transport & { close(): Promise<void> } => {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: options.connections ?? 64,
        pipelining: 1,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
        connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      });
      pools.set(origin, pool);
    }
    return pool;
  };
  const transport = async (url: string, request: Parameters<Transport>[1]) => {
    // node-appwrite hands over `URL#toString()` of the endpoint plus the API path: absolute and
    // normalised, without credentials or fragment (the config refuses both), so the origin ends at
    // the first `/` after `//`. Cheaper than parsing it again with `new URL`.
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    const origin = slash === -1 ? url : url.slice(0, slash);
    const { statusCode, headers, body } = await poolFor(origin).request({
      path: slash === -1 ? '/' : url.slice(slash),
      method: request.method as 'GET',
      headers: request.headers,
      body: request.body as string | undefined,
      signal: request.signal ?? undefined,
      // undici's own timers (no per-call AbortSignal): waiting for the headers, then for each body
      // chunk, each bounded by the deadline. Expiry rejects with UND_ERR_*_TIMEOUT (504).
      ...(request.timeoutMs ? { headersTimeout: request.timeoutMs, bodyTimeout: request.timeoutMs } : {}),
    });
    return {
      status: statusCode,
      headers: {
        get(name: string) {
          const value = headers[name.toLowerCase()];
          if (value === undefined) return null;
          return Array.isArray(value) ? value.join(', ') : value;
        },
      },
      text: () => body.text(),
      arrayBuffer: () => body.arrayBuffer(),
    };
  };
  return Object.assign(transport, {
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  });
};
