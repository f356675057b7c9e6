import * as nodeCrypto from 'node:crypto';
import { argon2i, argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { argon2idEncoded, argon2Matches } from './argon2.ts';

const PARAMS = { memoryCost: 1024, timeCost: 2, threads: 1, hashLength: 32 };
const SALT = Buffer.from('0123456789abcdef');

describe(`argon2 (${'argon2' in nodeCrypto ? "Node's own" : 'hash-wasm'} implementation)`, () => {
  it("encodes exactly hash-wasm's PHC string for the same salt and parameters", async () => {
    const reference = await argon2id({
      password: 'appwrite',
      salt: SALT,
      iterations: PARAMS.timeCost,
      memorySize: PARAMS.memoryCost,
      parallelism: PARAMS.threads,
      hashLength: PARAMS.hashLength,
      outputType: 'encoded',
    });
    expect(await argon2idEncoded('appwrite', SALT, PARAMS)).toBe(reference);
  });

  it('matches the right password only, for argon2id and argon2i strings', async () => {
    const id = await argon2idEncoded('appwrite', SALT, PARAMS);
    expect(await argon2Matches('appwrite', id)).toBe(true);
    expect(await argon2Matches('appwritf', id)).toBe(false);
    const i = await argon2i({
      password: 'appwrite',
      salt: SALT,
      iterations: 2,
      memorySize: 1024,
      parallelism: 1,
      hashLength: 16,
      outputType: 'encoded',
    });
    expect(await argon2Matches('appwrite', i)).toBe(true);
    expect(await argon2Matches('other', i)).toBe(false);
  });

  it('treats a malformed string as a mismatch or an error, never a match', async () => {
    const outcome = await argon2Matches('appwrite', '$argon2id$v=19$m=1024,t=2,p=1$c2FsdA$').catch(
      () => false,
    );
    expect(outcome).toBe(false);
  });
});
