import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/** A password stored as Appwrite stores one: a KDF output with its parameters, never the plain text. */
export interface PasswordHash {
  algorithm: 'scrypt';
  salt: string;
  hash: string;
  /** scrypt N, r, p and output length, as reported in the User model's `hashOptions`. */
  costCpu: number;
  costMemory: number;
  costParallel: number;
  length: number;
}

// OWASP's baseline for scrypt: N=2^17 is the recommendation for servers; the emulator uses 2^14, a
// fraction of the cost, so that load tests measure the app in front of it, not the emulator's KDF.
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };

const scryptAsync = (password: string, salt: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      SCRYPT.keylen,
      { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });

/** Hashes a password with scrypt and a random 16-byte salt. */
export const hashPassword = async (password: string): Promise<PasswordHash> => {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return {
    algorithm: 'scrypt',
    salt: salt.toString('base64'),
    hash: key.toString('base64'),
    costCpu: SCRYPT.N,
    costMemory: SCRYPT.r,
    costParallel: SCRYPT.p,
    length: SCRYPT.keylen,
  };
};

/** Checks a password against a stored hash in constant time. */
export const verifyPassword = async (password: string, stored: PasswordHash): Promise<boolean> => {
  const key = await scryptAsync(password, Buffer.from(stored.salt, 'base64'));
  const expected = Buffer.from(stored.hash, 'base64');
  return key.length === expected.length && timingSafeEqual(key, expected);
};

/** sha256 as lowercase hex: how Appwrite stores session and token secrets. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Compares two hex digests without leaking where they differ. */
export const digestEquals = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** `bytes` random bytes as lowercase hex. A session secret is 128 bytes (256 hex chars). */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/**
 * An Appwrite-style unique ID: 13 hex digits of the time in microseconds followed by 7 random
 * hex digits (20 characters), so IDs sort roughly by creation time like Appwrite's `ID.unique()`.
 */
export const uniqueId = (nowMs: number): string => {
  const micros = Math.floor(nowMs * 1000)
    .toString(16)
    .padStart(13, '0')
    .slice(-13);
  let tail = '';
  for (let i = 0; i < 7; i++) tail += randomInt(16).toString(16);
  return micros + tail;
};
