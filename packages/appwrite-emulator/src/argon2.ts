import * as nodeCrypto from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

/** Argon2 parameters as a PHC string carries them. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  threads: number;
  hashLength: number;
}

type Variant = 'argon2d' | 'argon2i' | 'argon2id';
type NativeArgon2 = (
  algorithm: Variant,
  parameters: {
    message: string;
    nonce: Buffer;
    parallelism: number;
    tagLength: number;
    memory: number;
    passes: number;
  },
  callback: (error: Error | null, key: Buffer) => void,
) => void;

/**
 * Node's own Argon2 (Node ≥ 24.7) runs on the thread pool, so hashing does not stop the emulator
 * from serving other requests; elsewhere (Node 20, Bun, Deno) hash-wasm computes the same bytes on
 * the main thread.
 */
const native = (nodeCrypto as unknown as { argon2?: NativeArgon2 }).argon2;

const derive = (variant: Variant, password: string, salt: Buffer, params: Argon2Params): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    native?.(
      variant,
      {
        message: password,
        nonce: salt,
        parallelism: params.threads,
        tagLength: params.hashLength,
        memory: params.memoryCost,
        passes: params.timeCost,
      },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** Argon2id of `password` as a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
export const argon2idEncoded = async (
  password: string,
  salt: Buffer,
  params: Argon2Params,
): Promise<string> => {
  if (!native) {
    return argon2id({
      password,
      salt,
      iterations: params.timeCost,
      memorySize: params.memoryCost,
      parallelism: params.threads,
      hashLength: params.hashLength,
      outputType: 'encoded',
    });
  }
  const key = await derive('argon2id', password, salt, params);
  return `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.threads}$${b64(salt)}$${b64(key)}`;
};

const PHC = /^\$(argon2(?:id|i|d))\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` matches an Argon2 PHC string (any variant); a malformed string never does. */
export const argon2Matches = async (password: string, encoded: string): Promise<boolean> => {
  const match = native ? PHC.exec(encoded) : null;
  if (!match) return argon2Verify({ password, hash: encoded });
  const [, variant, m, t, p, salt, hash] = match as unknown as [
    string,
    Variant,
    string,
    string,
    string,
    string,
    string,
  ];
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(variant, password, Buffer.from(salt, 'base64'), {
    memoryCost: Number(m),
    timeCost: Number(t),
    threads: Number(p),
    hashLength: expected.length,
  });
  return key.length === expected.length && nodeCrypto.timingSafeEqual(key, expected);
};
