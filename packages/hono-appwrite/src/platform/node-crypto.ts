// Synchronous SHA-256 and HMAC-SHA256 from `node:crypto`, for the runtimes that have it (Node, Bun,
// Deno). Web Crypto, the default, works everywhere but is asynchronous: on Node each digest or
// verify is a round trip through the thread pool, which costs far more than the hash itself on the
// hot path (docs/performance.md).
import * as crypto from 'node:crypto';

/** One-shot `crypto.hash` where it exists (Node ≥ 20.12), else a Hash object. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

// The HMAC key as a KeyObject, made once per key string (a string key is re-imported per call).
const keyObjects = new Map<string, crypto.KeyObject>();
const keyObject = (key: string): crypto.KeyObject => {
  let object = keyObjects.get(key);
  if (!object) {
    object = crypto.createSecretKey(Buffer.from(key, 'utf8'));
    keyObjects.set(key, object);
  }
  return object;
};

/**
 * Options of `appwriteAuth` and `authRoutes` for Node, Bun and Deno: cache keys hashed and JWT
 * signatures checked synchronously with `node:crypto`.
 *
 * @example
 * ```ts
 * app.use('/api/*', appwriteAuth({ ...nodeCrypto, endpoint, projectId }));
 * ```
 */
export const nodeCrypto = {
  /** Hex SHA-256 of a credential (cache keys). */
  hashSecret: sha256Hex,
  /** Whether `signature` is the HMAC-SHA256 of `data` under `key`, compared in constant time. */
  verifyHmacSha256: (key: string, data: string, signature: Uint8Array): boolean => {
    const expected = crypto.createHmac('sha256', keyObject(key)).update(data).digest();
    return signature.length === expected.length && crypto.timingSafeEqual(expected, signature);
  },
};
