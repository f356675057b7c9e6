import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export {
  hashPassword,
  isDefaultHash,
  type PasswordHash,
  verifyPassword,
} from './password-hashes.ts';

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
