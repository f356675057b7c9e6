/** A JWT minted for one session, with its expiry (ISO 8601). */
export type CachedJwt = { jwt: string; expire: string };

/** Reuse a cached JWT only while it has more than this left, so callers never get one about to die. */
export const JWT_MIN_REMAINING_MS = 60_000;

/** Lower-case hex of a digest. */
export const toHex = (bytes: ArrayBuffer): string =>
  [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

/** Hex SHA-256 of a secret: cache keys never hold the secret itself. */
export const hashSecret = async (secret: string): Promise<string> =>
  toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)));

/** Reads `exp` from a JWT's payload. Only used on JWTs Appwrite just handed us, never to authenticate. */
export const jwtExpiry = (jwt: string): Date | undefined => {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const exp = (json as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Per-process cache of minted JWTs, keyed by the SHA-256 of the session secret. Appwrite rate-limits
 * `POST /account/jwts` per user, so `/auth/jwt` reuses a JWT while it has more than 60 s left, and
 * concurrent requests for one session share a single mint. Bounded: the oldest entries go first.
 */
export class JwtCache {
  readonly #entries = new Map<string, CachedJwt>();
  readonly #inFlight = new Map<string, Promise<CachedJwt>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The cached JWT for `key`, minting one with `mint` when none has more than 60 s left. */
  async get(key: string, mint: () => Promise<CachedJwt>): Promise<CachedJwt> {
    const cached = this.#entries.get(key);
    if (cached && Date.parse(cached.expire) - this.#now() > JWT_MIN_REMAINING_MS) return cached;
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    // Stored only while still the key's own mint: a `delete` (logout) during the mint drops it, so
    // a JWT of a session ended meanwhile is never handed out again.
    const isCurrent = () => this.#inFlight.get(key) === minting;
    const minting: Promise<CachedJwt> = mint()
      .then((fresh) => {
        if (isCurrent()) this.#store(key, fresh);
        return fresh;
      })
      .finally(() => {
        if (isCurrent()) this.#inFlight.delete(key);
      });
    this.#inFlight.set(key, minting);
    return minting;
  }

  #store(key: string, fresh: CachedJwt): void {
    this.#entries.delete(key);
    this.#entries.set(key, fresh);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /**
   * Forgets the JWT of one session (on logout) and returns it, if one was cached. A mint in flight
   * for the key is dropped: its callers still get its answer, but it is not cached.
   */
  delete(key: string): CachedJwt | undefined {
    const cached = this.#entries.get(key);
    this.#entries.delete(key);
    this.#inFlight.delete(key);
    return cached;
  }

  /** Number of cached JWTs. */
  get size(): number {
    return this.#entries.size;
  }
}
