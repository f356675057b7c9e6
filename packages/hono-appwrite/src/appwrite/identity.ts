// Identity without a round trip, where it can be proven: Appwrite's own JWT check done locally
// (for deployments that hold Appwrite's JWT key), and an opt-in short-lived cache of `account.get()`.
// Neither ever widens access: data calls still go to Appwrite with the user's own credential.

import type { Models } from 'node-appwrite';
import { AppwriteHttpError, INVALID_TOKEN_CHALLENGE } from '../errors.ts';
import { appwriteId } from '../validation.ts';
import type { UserCredential } from './clients.ts';

/** The claims of an Appwrite account JWT: exactly these three. */
export interface AppwriteJwtClaims {
  userId: string;
  sessionId: string;
  exp: number;
}

const invalid = (reason: string) =>
  new AppwriteHttpError(401, 'user_jwt_invalid', `Failed to verify JWT. Invalid token: ${reason}`, {
    headers: INVALID_TOKEN_CHALLENGE,
  });

// Appwrite's JWT library accepts these `alg` headers and always verifies with HS256.
const ACCEPTED_ALGS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512']);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key, imported once per key string (importing costs more than verifying). */
const hmacKey = (key: string): Promise<CryptoKey> => {
  let imported = keys.get(key);
  if (!imported) {
    imported = crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    keys.set(key, imported);
  }
  return imported;
};

// Node, Bun and Deno's `Buffer` decodes base64url natively; `atob` is several times slower on Node.
const NativeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: 'base64url'): Uint8Array } })
  .Buffer;

const base64UrlBytes = (segment: string): Uint8Array<ArrayBuffer> => {
  // A length of 4n+1 is the one atob refuses (it throws a DOMException, which would be a 500).
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) throw invalid('Malformed token');
  if (NativeBuffer) return NativeBuffer.from(segment, 'base64url') as Uint8Array<ArrayBuffer>;
  const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

const jsonSegment = (segment: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(decoder.decode(base64UrlBytes(segment)));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalid('Malformed token');
};

/**
 * Checks an HMAC-SHA256 signature in constant time. Default: Web Crypto (async, everywhere); on
 * Node, Bun and Deno, `node:crypto`'s synchronous one can be passed (`nodeCrypto` of `hono-appwrite/node`).
 */
export type HmacSha256Verifier = (
  key: string,
  data: string,
  signature: Uint8Array,
) => boolean | Promise<boolean>;

const webCryptoVerify: HmacSha256Verifier = async (key, data, signature) =>
  crypto.subtle.verify(
    'HMAC',
    await hmacKey(key),
    signature as Uint8Array<ArrayBuffer>,
    encoder.encode(data),
  );

/**
 * Verifies an Appwrite JWT as Appwrite does: HS256 with the server's key (`_APP_OPENSSL_KEY_V1`),
 * `exp` with no leeway, `nbf` and `iat` if present. `verifyHmac` (Web Crypto by default) compares
 * the signature in constant time. Failures are 401 `user_jwt_invalid` with Appwrite's wording. A valid JWT whose session was
 * deleted still passes here until it expires (at most 15 minutes); Appwrite would treat it as a guest.
 */
export const verifyAppwriteJwt = async (
  jwt: string,
  key: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  verifyHmac: HmacSha256Verifier = webCryptoVerify,
): Promise<AppwriteJwtClaims> => {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw invalid('Incomplete segments');
  const [header = '', body = '', signature = ''] = parts;
  const alg = jsonSegment(header).alg;
  if (typeof alg !== 'string' || !ACCEPTED_ALGS.has(alg)) throw invalid('Unsupported algorithm');
  const signed = await verifyHmac(key, `${header}.${body}`, base64UrlBytes(signature));
  if (!signed) throw invalid('Signature failed');
  const { userId, sessionId, exp, nbf, iat } = jsonSegment(body);
  if (typeof exp !== 'number') throw invalid('No expiry');
  if (nowSeconds >= exp) throw invalid('Expired');
  if (typeof nbf === 'number' && nowSeconds <= nbf) throw invalid('Not yet valid');
  if (typeof iat === 'number' && nowSeconds >= iat + 3600) throw invalid('Expired');
  if (typeof userId !== 'string' || !appwriteId.safeParse(userId).success) throw invalid('No user');
  return { userId, sessionId: typeof sessionId === 'string' ? sessionId : '', exp };
};

/** What the identity cache hashes for a credential: its kind and value. */
export const identityKeyOf = (credential: UserCredential): string =>
  credential.kind === 'jwt' ? `jwt:${credential.jwt}` : `session:${credential.secret}`;

/**
 * `account.get()` answers kept for a few seconds, keyed by a hash of the credential (never the
 * credential itself), when given to `appwriteAuth` as `identityCache`; at most 60 s, and never past a
 * JWT's own expiry. A logout through `authRoutes` revokes its session's entries — including answers
 * still on their way from Appwrite, which {@link IdentityCache.ticket} tickets let `set` refuse. A
 * change made elsewhere (name, email, a session deleted in another app) shows after at most the TTL.
 */
export class IdentityCache {
  readonly #entries = new Map<string, { user: Models.User<Models.Preferences>; until: number }>();
  /** Revoked keys, oldest first, with the sequence number of their revocation. */
  readonly #revoked = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Counts revocations; a ticket is its value when a lookup started. */
  #sequence = 0;
  /** Tickets below this may predate a revocation no longer remembered: their answers are not kept. */
  #floor = 0;

  constructor(options: { ttlMs: number; maxEntries?: number; now?: () => number }) {
    this.#ttlMs = Math.min(options.ttlMs, 60_000);
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get(key: string): Models.User<Models.Preferences> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.user;
  }

  /** Taken before asking Appwrite, and given back to {@link set} with the answer. */
  ticket(): number {
    return this.#sequence;
  }

  /**
   * Keeps `user` for `key` for the TTL, or until `expiresAt` (Unix ms) if sooner. Refused when `key`
   * was revoked after `ticket` was taken: the answer may belong to a session that has ended since.
   */
  set(
    key: string,
    user: Models.User<Models.Preferences>,
    ticket: number,
    expiresAt = Number.POSITIVE_INFINITY,
  ): void {
    if (ticket < this.#floor || (this.#revoked.get(key) ?? -1) > ticket) return;
    const until = Math.min(this.#now() + this.#ttlMs, expiresAt);
    if (until <= this.#now()) return;
    this.#entries.delete(key);
    this.#entries.set(key, { user, until });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Forgets `key` and refuses answers for it from lookups that started before now. */
  revoke(key: string): void {
    this.#entries.delete(key);
    this.#sequence += 1;
    this.#revoked.delete(key);
    this.#revoked.set(key, this.#sequence);
    while (this.#revoked.size > this.#maxEntries) {
      const [oldest, revokedAt] = this.#revoked.entries().next().value ?? [];
      if (oldest === undefined || revokedAt === undefined) break;
      this.#revoked.delete(oldest);
      // Its revocation is forgotten: refuse every answer whose lookup started before it.
      this.#floor = revokedAt;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
