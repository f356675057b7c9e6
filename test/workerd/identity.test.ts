// Local JWT verification uses Web Crypto's HMAC: prove it works in workerd as on Node.
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { verifyAppwriteJwt } from '../../packages/hono-appwrite/src/appwrite/identity.ts';

describe('verifyAppwriteJwt in workerd', () => {
  it('accepts a JWT signed with the key and refuses one signed with another', async () => {
    const exp = Math.floor(Date.now() / 1000) + 900;
    const good = await sign({ userId: 'user-a', sessionId: 's1', exp }, 'key-1', 'HS256');
    expect(await verifyAppwriteJwt(good, 'key-1')).toEqual({ userId: 'user-a', sessionId: 's1', exp });
    await expect(verifyAppwriteJwt(good, 'key-2')).rejects.toMatchObject({
      status: 401,
      type: 'user_jwt_invalid',
    });
  });
});
