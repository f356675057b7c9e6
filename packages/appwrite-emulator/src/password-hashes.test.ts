import { createHash } from 'node:crypto';
import { bcrypt } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  importedHash,
  isDefaultHash,
  type PasswordHash,
  SHA_VERSIONS,
  verifyPassword,
} from './password-hashes.ts';

// Hashes of the password "appwrite" from Appwrite's own Users e2e fixtures (one per algorithm).
const APPWRITE: [string, PasswordHash][] = [
  ['md5', importedHash.md5('144fa7eaa4904e8ee120651997f70dcc')],
  [
    'argon2i',
    importedHash.argon2('$argon2i$v=19$m=20,t=3,p=2$YXBwd3JpdGU$A/54i238ed09ZR4NwlACU5XnkjNBZU9QeOEuhjLiexI'),
  ],
  [
    'argon2id',
    importedHash.argon2(
      '$argon2id$v=19$m=65536,t=4,p=3$azFVSGhPaXVBYnZMblNRaw$Pzm3TowCIbab0S5GL2id3OhZMexfFvutVSDoZ8D/Z8o',
    ),
  ],
  [
    'sha512',
    importedHash.sha(
      '4243da0a694e8a2f727c8060fe0507c8fa01ca68146c76d2c190805b638c20c6bf6ba04e21f11ae138785d0bff63c416e6f87badbffad37f6dee50094cc38c70',
      'sha512',
    ),
  ],
  [
    'scrypt',
    importedHash.scrypt(
      '3fdef49701bc4cfaacd551fe017283513284b4731e6945c263246ef948d3cf63b5d269c31fd697246085111a428245e24a4ddc6b64c687bc60a8910dbafc1d5b',
      { salt: 'appwrite', costCpu: 16384, costMemory: 13, costParallel: 2, length: 64 },
    ),
  ],
  ['phpass', importedHash.phpass('$P$Br387rwferoKN7uwHZqNMu98q3U8RO.')],
  [
    'scrypt-modified',
    importedHash.scryptModified(
      'UlM7JiXRcQhzAGlaonpSqNSLIz475WMddOgLjej5De9vxTy48K6WtqlEzrRFeK4t0COfMhWCb8wuMHgxOFCHFQ==',
      {
        salt: 'UxLMreBr6tYyjQ==',
        saltSeparator: 'Bw==',
        signerKey: 'XyEKE9RcTDeLEsL/RjwPDBv/RqDl8fb3gpYEOQaPihbxf1ZAtSOHCjuAAa7Q3oHpCYhXSN9tizHgVOwn6krflQ==',
      },
    ),
  ],
];

describe('verifyPassword', () => {
  it.each(APPWRITE)('accepts the right password and refuses a wrong one for %s', async (_, stored) => {
    expect(await verifyPassword('appwrite', stored)).toBe(true);
    expect(await verifyPassword('appwritf', stored)).toBe(false);
  });

  it.each(['$2a$', '$2b$', '$2y$'])('verifies bcrypt hashes with the %s prefix', async (prefix) => {
    const hash = await bcrypt({ password: 'appwrite', salt: new Uint8Array(16).fill(7), costFactor: 4 });
    const stored = importedHash.bcrypt(hash.replace(/^\$2[aby]\$/, prefix));
    expect(await verifyPassword('appwrite', stored)).toBe(true);
    expect(await verifyPassword('appwrite!', stored)).toBe(false);
  });

  it.each(SHA_VERSIONS)('verifies %s digests, and only under their own version', async (version) => {
    const digest = createHash(version.replace('/', '-')).update('appwrite').digest('hex');
    expect(await verifyPassword('appwrite', importedHash.sha(digest, version))).toBe(true);
    const other = version === 'sha1' ? 'sha256' : 'sha1';
    expect(await verifyPassword('appwrite', importedHash.sha(digest, other))).toBe(false);
  });

  it('treats a malformed stored hash as a wrong password instead of throwing', async () => {
    expect(await verifyPassword('appwrite', importedHash.argon2('not-a-hash'))).toBe(false);
    expect(await verifyPassword('appwrite', importedHash.bcrypt('$2a$04$short'))).toBe(false);
    expect(await verifyPassword('appwrite', importedHash.phpass('$P$'))).toBe(false);
  });
});

describe('hashPassword', () => {
  it("uses Appwrite's configured Argon2id (7168 KiB, 5 passes, 1 lane) and verifies", async () => {
    const stored = await hashPassword('correct horse');
    expect(stored.algorithm).toBe('argon2');
    expect(stored.hash).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(stored.options).toEqual({ type: 'argon2', memoryCost: 7168, timeCost: 5, threads: 1 });
    expect(isDefaultHash(stored)).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsf', stored)).toBe(false);
  });

  it('still refuses a wrong password, and another hash, after remembering a right one', async () => {
    const stored = await hashPassword('the-right-one');
    const other = await hashPassword('another-one');
    expect(await verifyPassword('the-right-one', stored)).toBe(true);
    expect(await verifyPassword('the-wrong-one', stored)).toBe(false);
    expect(await verifyPassword('the-right-one', other)).toBe(false);
    expect(await verifyPassword('the-right-one', stored)).toBe(true);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a.hash).not.toBe(b.hash);
  });

  it('reports imported hashes as not the default, so sign-in can re-hash them', () => {
    for (const [, stored] of APPWRITE) expect(isDefaultHash(stored)).toBe(false);
  });
});
