import { createCipheriv, createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { bcryptVerify } from 'hash-wasm';
import { argon2idEncoded, argon2Matches } from './argon2.ts';

/**
 * The algorithms Appwrite stores passwords with, named as in the User model's `hash` attribute
 * (utopia-php/auth's hash names: scrypt-modified is `scryptMod`).
 */
export type HashAlgorithm = 'argon2' | 'bcrypt' | 'md5' | 'sha' | 'phpass' | 'scrypt' | 'scryptMod';

/** The SHA variants `POST /v1/users/sha` accepts (`passwordVersion`), as PHP's `hash()` names them. */
export const SHA_VERSIONS = [
  'sha1',
  'sha224',
  'sha256',
  'sha384',
  'sha512/224',
  'sha512/256',
  'sha512',
  'sha3-224',
  'sha3-256',
  'sha3-384',
  'sha3-512',
] as const;
export type ShaVersion = (typeof SHA_VERSIONS)[number];

/**
 * A password as Appwrite stores it: the hash string (`password`), the algorithm (`hash`) and its
 * parameters (`hashOptions`, exactly the object the User model reports, `type` included).
 */
export interface PasswordHash {
  algorithm: HashAlgorithm;
  hash: string;
  options: Record<string, string | number | boolean>;
}

/**
 * Appwrite's configured password proof (`proofForPassword`): Argon2id with 7168 KiB, 5 passes and
 * one lane. Every plain-text password the emulator stores is hashed with it.
 */
const ARGON2 = { memoryCost: 7168, timeCost: 5, threads: 1, hashLength: 32 };

/** Hashes a plain-text password with Appwrite's default proof (Argon2id, PHC string output). */
export const hashPassword = async (password: string): Promise<PasswordHash> => ({
  algorithm: 'argon2',
  hash: await argon2idEncoded(password, randomBytes(16), ARGON2),
  options: {
    type: 'argon2',
    memoryCost: ARGON2.memoryCost,
    timeCost: ARGON2.timeCost,
    threads: ARGON2.threads,
  },
});

/**
 * Whether a stored hash already uses the default proof. Appwrite re-hashes other passwords with
 * the default on the next successful email/password sign-in.
 */
export const isDefaultHash = (stored: PasswordHash): boolean =>
  stored.algorithm === 'argon2' &&
  stored.hash.startsWith(`$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.threads}$`);

/** The `hashOptions` Appwrite reports for each imported algorithm (utopia-php/auth's defaults). */
export const importedHash = {
  argon2: (hash: string): PasswordHash => ({
    algorithm: 'argon2',
    hash,
    options: { type: 'argon2', memoryCost: 65536, timeCost: 4, threads: 3 },
  }),
  bcrypt: (hash: string): PasswordHash => ({
    algorithm: 'bcrypt',
    hash,
    options: { type: 'bcrypt', cost: 8 },
  }),
  md5: (hash: string): PasswordHash => ({ algorithm: 'md5', hash, options: { type: 'md5' } }),
  sha: (hash: string, version: ShaVersion): PasswordHash => ({
    algorithm: 'sha',
    hash,
    options: { type: 'sha', version },
  }),
  phpass: (hash: string): PasswordHash => ({
    algorithm: 'phpass',
    hash,
    options: { type: 'phpass', iteration_count_log2: 8, portable_hashes: false },
  }),
  scrypt: (
    hash: string,
    params: { salt: string; costCpu: number; costMemory: number; costParallel: number; length: number },
  ): PasswordHash => ({ algorithm: 'scrypt', hash, options: { type: 'scrypt', ...params } }),
  scryptModified: (
    hash: string,
    params: { salt: string; saltSeparator: string; signerKey: string },
  ): PasswordHash => ({ algorithm: 'scryptMod', hash, options: { type: 'scryptMod', ...params } }),
};

const scryptAsync = (password: Buffer, salt: Buffer, length: number, N: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, length, { N, r, p, maxmem: 512 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

const stringEquals = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Node's digest names for PHP's `hash()` algorithm names. */
const NODE_SHA: Record<ShaVersion, string> = {
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  'sha512/224': 'sha512-224',
  'sha512/256': 'sha512-256',
  sha512: 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** phpass's own base64 variant (little-endian groups over ITOA64). */
const encode64 = (input: Buffer, count: number): string => {
  let output = '';
  let i = 0;
  while (i < count) {
    let value = input[i++] ?? 0;
    output += ITOA64[value & 0x3f];
    if (i < count) value |= (input[i] ?? 0) << 8;
    output += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= count) break;
    if (i < count) value |= (input[i] ?? 0) << 16;
    output += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= count) break;
    output += ITOA64[(value >> 18) & 0x3f];
  }
  return output;
};

/** phpass's portable `$P$` / `$H$` hash (iterated MD5), or null for another format. */
const phpassPortable = (password: string, setting: string): string | null => {
  const id = setting.slice(0, 3);
  if (id !== '$P$' && id !== '$H$') return null;
  const countLog2 = ITOA64.indexOf(setting[3] ?? '');
  if (countLog2 < 7 || countLog2 > 30) return null;
  const salt = setting.slice(4, 12);
  if (salt.length !== 8) return null;
  const secret = Buffer.from(password);
  let hash = createHash('md5')
    .update(Buffer.concat([Buffer.from(salt), secret]))
    .digest();
  for (let count = 1 << countLog2; count > 0; count--) {
    hash = createHash('md5')
      .update(Buffer.concat([hash, secret]))
      .digest();
  }
  return setting.slice(0, 12) + encode64(hash, 16);
};

/** PHP's bcrypt accepts `$2y$`, the same algorithm as `$2b$`. */
const verifyBcrypt = (password: string, hash: string): Promise<boolean> =>
  /^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)
    ? bcryptVerify({ password, hash: hash.replace(/^\$2[xy]\$/, '$2b$') })
    : Promise.resolve(false);

const optionNumber = (options: PasswordHash['options'], key: string, fallback: number): number => {
  const value = options[key];
  return typeof value === 'number' ? value : fallback;
};
const optionString = (options: PasswordHash['options'], key: string): string => {
  const value = options[key];
  return typeof value === 'string' ? value : '';
};

const checkPassword = async (password: string, stored: PasswordHash): Promise<boolean> => {
  const { hash, options } = stored;
  try {
    switch (stored.algorithm) {
      case 'argon2':
        return await argon2Matches(password, hash);
      case 'bcrypt':
        return await verifyBcrypt(password, hash);
      case 'md5':
        return stringEquals(createHash('md5').update(password).digest('hex'), hash);
      case 'sha': {
        const version = optionString(options, 'version') as ShaVersion;
        const digest = NODE_SHA[version] ?? 'sha3-512';
        return stringEquals(createHash(digest).update(password).digest('hex'), hash);
      }
      case 'phpass': {
        const portable = phpassPortable(password, hash);
        return portable === null ? await verifyBcrypt(password, hash) : stringEquals(portable, hash);
      }
      case 'scrypt': {
        const key = await scryptAsync(
          Buffer.from(password),
          Buffer.from(optionString(options, 'salt')),
          optionNumber(options, 'length', 64),
          optionNumber(options, 'costCpu', 8),
          optionNumber(options, 'costMemory', 14),
          optionNumber(options, 'costParallel', 1),
        );
        return stringEquals(key.toString('hex'), hash);
      }
      case 'scryptMod': {
        const salt = Buffer.concat([
          Buffer.from(optionString(options, 'salt'), 'base64'),
          Buffer.from(optionString(options, 'saltSeparator'), 'base64'),
        ]);
        const derived = await scryptAsync(Buffer.from(password), salt, 64, 16384, 8, 1);
        const cipher = createCipheriv('aes-256-ctr', derived.subarray(0, 32), Buffer.alloc(16));
        const signerKey = Buffer.from(optionString(options, 'signerKey'), 'base64');
        const signed = Buffer.concat([cipher.update(signerKey), cipher.final()]);
        return stringEquals(signed.toString('base64'), hash);
      }
      default:
        return false;
    }
  } catch {
    // A stored hash the algorithm cannot parse is a wrong password, as PHP's verifiers answer.
    return false;
  }
};

/**
 * Passwords already verified against a stored hash, as HMACs under a key random to this process:
 * a verification is a pure function of the two, and remembering it spares the suites rerunning
 * Argon2 (Appwrite's cost) on every sign-in of the same user. Never the password itself.
 */
const verified = new WeakMap<PasswordHash, Set<string>>();
const VERIFIED_KEY = randomBytes(32);

/**
 * Checks a password against a stored hash of any algorithm Appwrite imports. A malformed stored
 * hash never matches (it does not throw).
 */
export const verifyPassword = async (password: string, stored: PasswordHash): Promise<boolean> => {
  const proof = createHmac('sha256', VERIFIED_KEY).update(password).digest('hex');
  if (verified.get(stored)?.has(proof)) return true;
  const ok = await checkPassword(password, stored);
  if (ok) {
    const proofs = verified.get(stored) ?? new Set<string>();
    proofs.add(proof);
    verified.set(stored, proofs);
  }
  return ok;
};
