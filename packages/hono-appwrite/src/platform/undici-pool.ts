// A node-appwrite Transport on undici's Pool (Node): keep-alive connections per Appwrite origin, and
// requests sent with `Pool.dispatch` and a handler that collects the answer: no fetch WHATWG objects,
// and no Readable stream per answer either (`Pool.request` makes one, a cost measured in bench/ and
// docs/performance.md). Not for Workers (their `fetch` is the platform's).
import { type Dispatcher, Pool } from 'undici';
import type { Transport, TransportRequest, TransportResponse } from '../appwrite/transport.ts';

/**
 * An answer as node-appwrite reads a `fetch` Response: there once its status and headers are in;
 * its body is collected as it arrives, and `text()`/`arrayBuffer()` settle when it is complete (or
 * reject with the error that cut it short, as a fetch body read does).
 */
class PooledResponse implements TransportResponse {
  readonly status: number;
  readonly #rawHeaders: Buffer[];
  #headers: Map<string, string> | undefined;
  /** The body so far, fed by {@link PooledHandler}. */
  readonly chunks: Buffer[] = [];
  #state: 'open' | 'complete' | 'failed' = 'open';
  #error: Error | undefined;
  #waiters: Array<{ resolve: (bytes: Buffer) => void; reject: (error: Error) => void }> = [];

  constructor(status: number, rawHeaders: Buffer[]) {
    this.status = status;
    this.#rawHeaders = rawHeaders;
  }

  /** Like `Headers#get`: case-insensitive, repeated headers joined with `, `. */
  readonly headers = {
    get: (name: string): string | null => {
      if (!this.#headers) {
        this.#headers = new Map();
        const raw = this.#rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const key = (raw[i] as Buffer).toString('latin1').toLowerCase();
          const value = (raw[i + 1] as Buffer).toString('latin1');
          const previous = this.#headers.get(key);
          this.#headers.set(key, previous === undefined ? value : `${previous}, ${value}`);
        }
      }
      return this.#headers.get(name.toLowerCase()) ?? null;
    },
  };

  complete(): void {
    this.#state = 'complete';
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(this.#bytes());
  }

  fail(error: Error): void {
    this.#state = 'failed';
    this.#error = error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  #bytes(): Buffer {
    const chunks = this.chunks;
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  #body(): Promise<Buffer> {
    if (this.#state === 'complete') return Promise.resolve(this.#bytes());
    if (this.#state === 'failed') return Promise.reject(this.#error);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** UTF-8, a leading byte order mark dropped, as undici's `body.text()` and `Response#text` do. */
  async text(): Promise<string> {
    const bytes = await this.#body();
    const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return bytes.toString('utf8', start);
  }

  /** A copy: the chunks may be views of a larger pooled buffer. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#body();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/**
 * Sends one request's answer to its {@link PooledResponse}: resolves with it at the headers, then
 * feeds it the body. A failure before the headers rejects the request, after them the body read.
 */
class PooledHandler implements Dispatcher.DispatchHandlers {
  #response: PooledResponse | undefined;
  readonly #resolve: (response: TransportResponse) => void;
  readonly #reject: (error: Error) => void;
  readonly #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(
    resolve: (response: TransportResponse) => void,
    reject: (error: Error) => void,
    signal?: AbortSignal,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
  }

  onConnect(abort: (error?: Error) => void): void {
    const signal = this.#signal;
    if (!signal) return;
    if (signal.aborted) {
      abort(signal.reason);
      return;
    }
    if (!this.#onAbort) {
      this.#onAbort = () => abort(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  onHeaders(statusCode: number, headers: Buffer[]): boolean {
    // undici hands over 1xx interim answers too (103 Early Hints from a proxy): the answer is the
    // final one that follows, as for fetch and `Pool.request`.
    if (statusCode < 200) return true;
    this.#response = new PooledResponse(statusCode, headers);
    this.#resolve(this.#response);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#response?.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.#done();
    this.#response?.complete();
  }

  onError(error: Error): void {
    this.#done();
    if (this.#response) this.#response.fail(error);
    else this.#reject(error);
  }

  #done(): void {
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}

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
  const transport = (url: string, request: TransportRequest): Promise<TransportResponse> => {
    // node-appwrite hands over `URL#toString()` of the endpoint plus the API path: absolute and
    // normalised, so the origin ends at the first `/` after `//`. Cheaper than parsing it again
    // with `new URL`, which is kept for the odd endpoint with credentials or a fragment in it.
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    let origin = slash === -1 ? url : url.slice(0, slash);
    let path = slash === -1 ? '/' : url.slice(slash);
    if (origin.includes('@') || path.includes('#')) {
      const parsed = new URL(url);
      origin = parsed.origin;
      path = `${parsed.pathname}${parsed.search}`;
    }
    return new Promise((resolve, reject) => {
      const handler = new PooledHandler(resolve, reject, request.signal ?? undefined);
      poolFor(origin).dispatch(
        {
          path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body as string | undefined,
          // undici's own timers (no per-call AbortSignal): waiting for the headers, then for each
          // body chunk, each bounded by the deadline. Expiry fails with UND_ERR_*_TIMEOUT (504).
          ...(request.timeoutMs ? { headersTimeout: request.timeoutMs, bodyTimeout: request.timeoutMs } : {}),
        },
        handler,
      );
    });
  };
  return Object.assign(transport, {
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  });
};
