// Identity without a round trip: local JWT verification with Appwrite's key, and the opt-in
// identity cache for /me — counted in upstream calls, and purged by a logout through the worker.

import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { Hono } from 'hono';
import { sign } from 'hono/jwt';
import { type AppwriteAuthEnv, appwriteAuth, getAuth } from 'hono-appwrite';
import { nodeCrypto } from 'hono-appwrite/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdentityCache, verifyAppwriteJwt } from '../../packages/hono-appwrite/src/appwrite/identity.ts';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { API_KEY, upstreamCalls as emulatorRequests, PROJECT } from '../support/demo.ts';

const KEY = 'test-jwt-key-0123456789abcdef';
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

// The same checks with both signature verifiers: Web Crypto (the default, Workers) and node:crypto
// (what the Node, Bun and Deno entries pass).
describe.each([
  ['Web Crypto', undefined],
  ['node:crypto', nodeCrypto.verifyHmacSha256],
])('verifyAppwriteJwt (%s)', (_verifier, verifyHmac) => {
  const verify = (jwt: string, key: string) => verifyAppwriteJwt(jwt, key, undefined, verifyHmac);

  it('returns the claims of a JWT signed with the key', async () => {
    const jwt = await sign({ userId: 'user-a', sessionId: 's1', exp: inSeconds(900) }, KEY, 'HS256');
    expect(await verify(jwt, KEY)).toEqual({
      userId: 'user-a',
      sessionId: 's1',
      exp: expect.any(Number),
    });
  });

  it.each([
    [
      'another key',
      async () => sign({ userId: 'user-a', sessionId: 's1', exp: inSeconds(900) }, 'other', 'HS256'),
      'Signature failed',
    ],
    [
      'an expired one',
      async () => sign({ userId: 'user-a', sessionId: 's1', exp: inSeconds(-1) }, KEY, 'HS256'),
      'Expired',
    ],
    [
      'one without userId',
      async () => sign({ sessionId: 's1', exp: inSeconds(900) }, KEY, 'HS256'),
      'No user',
    ],
    ['one without exp', async () => sign({ userId: 'user-a', sessionId: 's1' }, KEY, 'HS256'), 'No expiry'],
    ['garbage', async () => 'a.b.c', 'Malformed token'],
    [
      'a signature cut short',
      async () => (await sign({ userId: 'user-a', exp: inSeconds(900) }, KEY, 'HS256')).slice(0, -1),
      'Signature failed',
    ],
    // 41 base64url characters decode to no whole byte count: atob throws, which was once a 500.
    [
      'a signature of an impossible length',
      async () => (await sign({ userId: 'user-a', exp: inSeconds(900) }, KEY, 'HS256')).slice(0, -2),
      'Malformed token',
    ],
    [
      'a header of an impossible length',
      async () => {
        const [header = '', payload, signature] = (
          await sign({ userId: 'user-a', exp: inSeconds(900) }, KEY, 'HS256')
        ).split('.');
        return `${header}${'A'.repeat((((1 - header.length) % 4) + 4) % 4)}.${payload}.${signature}`;
      },
      'Malformed token',
    ],
    [
      'another payload under a valid signature',
      async () => {
        const [header, , signature] = (
          await sign({ userId: 'user-a', exp: inSeconds(900) }, KEY, 'HS256')
        ).split('.');
        const forged = btoa(`{"userId":"user-b","exp":${inSeconds(900)}}`).replace(/=+$/, '');
        return `${header}.${forged}.${signature}`;
      },
      'Signature failed',
    ],
    ['two segments', async () => 'a.b', 'Incomplete segments'],
    [
      'alg none',
      async () =>
        `${btoa('{"alg":"none"}').replace(/=+$/, '')}.${btoa(`{"userId":"user-a","exp":${inSeconds(900)}}`).replace(/=+$/, '')}.`,
      'Unsupported algorithm',
    ],
    [
      'a future nbf',
      async () =>
        sign({ userId: 'user-a', sessionId: 's1', exp: inSeconds(900), nbf: inSeconds(60) }, KEY, 'HS256'),
      'Not yet valid',
    ],
  ])('refuses %s with 401 user_jwt_invalid', async (_name, make, reason) => {
    const error = await verify(await make(), KEY).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 401,
      type: 'user_jwt_invalid',
      message: `Failed to verify JWT. Invalid token: ${reason}`,
    });
  });
});

describe('IdentityCache', () => {
  const user = { $id: 'user-a' } as never;
  it('keeps an entry for its TTL (at most 60 s), then forgets it', () => {
    let now = 0;
    const cache = new IdentityCache({ ttlMs: 120_000, now: () => now });
    cache.set('k', user, cache.ticket());
    now = 59_999;
    expect(cache.get('k')).toBe(user);
    now = 60_000; // the TTL is clamped to 60 s
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps an entry no longer than the expiry it is given (a JWT’s exp), and not at all past it', () => {
    let now = 1_000;
    const cache = new IdentityCache({ ttlMs: 60_000, now: () => now });
    cache.set('jwt', user, cache.ticket(), 4_000);
    now = 3_999;
    expect(cache.get('jwt')).toBe(user);
    now = 4_000;
    expect(cache.get('jwt')).toBeUndefined();
    cache.set('late', user, cache.ticket(), 4_000);
    expect(cache.get('late')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded and can forget on demand', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, maxEntries: 2 });
    cache.set('a', user, cache.ticket());
    cache.set('b', user, cache.ticket());
    cache.set('c', user, cache.ticket());
    expect([cache.get('a'), cache.size]).toEqual([undefined, 2]);
    cache.revoke('b');
    expect(cache.get('b')).toBeUndefined();
  });

  it('refuses an answer whose lookup started before the key was revoked (a logout racing /me)', () => {
    const cache = new IdentityCache({ ttlMs: 10_000 });
    const inFlight = cache.ticket();
    cache.revoke('k');
    cache.set('k', user, inFlight);
    expect(cache.get('k')).toBeUndefined();
    // Other keys, and lookups that start after the revocation, are cached as usual.
    cache.set('other', user, inFlight);
    expect(cache.get('other')).toBe(user);
    cache.set('k', user, cache.ticket());
    expect(cache.get('k')).toBe(user);
  });

  it('still refuses stale answers after the revocation itself was evicted from its bounded memory', () => {
    const cache = new IdentityCache({ ttlMs: 10_000, maxEntries: 2 });
    const inFlight = cache.ticket();
    cache.revoke('k');
    cache.revoke('x');
    cache.revoke('y'); // 'k' is forgotten here
    cache.set('k', user, inFlight);
    expect(cache.get('k')).toBeUndefined();
    const fresh = cache.ticket();
    cache.set('k', user, fresh);
    expect(cache.get('k')).toBe(user);
  });
});

describe('the worker with APPWRITE_JWT_KEY and IDENTITY_CACHE_TTL_SECONDS', () => {
  let emulator: AppwriteEmulator;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator({ jwtKey: KEY, rateLimits: false });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    await emulator.reset();
  });

  const upstreamCalls = () => emulatorRequests(emulator.origin);
  const app = (env: Record<string, string>) =>
    createApp(
      parseConfig({
        APPWRITE_ENDPOINT: emulator.endpoint,
        APPWRITE_PROJECT_ID: PROJECT,
        APPWRITE_API_KEY: API_KEY,
        ...env,
      }),
    );
  const signIn = async (worker: ReturnType<typeof app>) => {
    const response = await worker.request('http://127.0.0.1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const minted = await worker.request('http://127.0.0.1/auth/jwt', { method: 'POST', headers: { cookie } });
    const { jwt } = (await minted.json()) as { jwt: string };
    return { cookie, jwt };
  };
  const me = (worker: ReturnType<typeof app>, headers: Record<string, string>) =>
    worker.request('http://127.0.0.1/me', { headers });

  it('refuses a forged JWT locally, without calling Appwrite', async () => {
    const worker = app({ APPWRITE_JWT_KEY: KEY });
    const forged = await sign(
      { userId: 'user-b', sessionId: 'x', exp: inSeconds(900) },
      'not-the-key',
      'HS256',
    );
    const before = await upstreamCalls();
    const response = await me(worker, { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'user_jwt_invalid', code: 401 });
    expect(await upstreamCalls()).toBe(before);
  });

  it("exposes the verified user id to the app's own routes (no Appwrite call)", async () => {
    const { jwt } = await signIn(app({}));
    const custom = new Hono<AppwriteAuthEnv>()
      .use('*', appwriteAuth({ endpoint: emulator.endpoint, projectId: PROJECT, jwtKey: KEY }))
      .get('/who', (c) => c.json(getAuth(c)));
    const before = await upstreamCalls();
    const response = await custom.request('/who', { headers: { authorization: `Bearer ${jwt}` } });
    expect(await response.json()).toEqual({ kind: 'jwt', userId: 'user-a' });
    expect(await upstreamCalls()).toBe(before);
    // Without the key the id is not proven: undefined.
    const unproven = new Hono<AppwriteAuthEnv>()
      .use('*', appwriteAuth({ endpoint: emulator.endpoint, projectId: PROJECT }))
      .get('/who', (c) => c.json({ userId: getAuth(c).userId ?? null }));
    expect(
      await (await unproven.request('/who', { headers: { authorization: `Bearer ${jwt}` } })).json(),
    ).toEqual({
      userId: null,
    });
  });

  it('serves /me from the identity cache: one upstream call for repeated requests', async () => {
    const worker = app({ IDENTITY_CACHE_TTL_SECONDS: '30' });
    const { cookie, jwt } = await signIn(worker);
    const variants: Record<string, string>[] = [{ cookie }, { authorization: `Bearer ${jwt}` }];
    for (const headers of variants) {
      const before = await upstreamCalls();
      for (let i = 0; i < 5; i++) {
        const response = await me(worker, headers);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ $id: 'user-a' });
      }
      expect(await upstreamCalls()).toBe(before + 1);
    }
  });

  it('is off by default: every /me asks Appwrite', async () => {
    const worker = app({});
    const { cookie } = await signIn(worker);
    const before = await upstreamCalls();
    for (let i = 0; i < 3; i++) expect((await me(worker, { cookie })).status).toBe(200);
    expect(await upstreamCalls()).toBe(before + 3);
  });

  it('is purged by a logout through the worker, for the cookie and for the JWT it minted', async () => {
    const worker = app({ IDENTITY_CACHE_TTL_SECONDS: '60' });
    const { cookie, jwt } = await signIn(worker);
    expect((await me(worker, { cookie })).status).toBe(200);
    expect((await me(worker, { authorization: `Bearer ${jwt}` })).status).toBe(200);
    const logout = await worker.request('http://127.0.0.1/auth/logout', {
      method: 'POST',
      headers: { cookie },
    });
    expect(logout.status).toBe(204);
    expect((await me(worker, { cookie })).status).toBe(401);
    expect((await me(worker, { authorization: `Bearer ${jwt}` })).status).toBe(401);
  });

  it('costs one Appwrite call per sign-in, form or JSON, and guest', async () => {
    const worker = app({});
    const credentials = { email: 'user-a@example.com', password: 'password-a' };
    let before = await upstreamCalls();
    const form = await worker.request('http://127.0.0.1/auth/login', {
      method: 'POST',
      // As a browser sends it: with its page's origin.
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1' },
      body: new URLSearchParams(credentials),
    });
    expect(form.status).toBe(303);
    expect(form.headers.getSetCookie()[0]).toMatch(/^a_session_demo=/);
    expect(await upstreamCalls()).toBe(before + 1);
    before = await upstreamCalls();
    const json = await worker.request('http://127.0.0.1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(await json.json()).toMatchObject({ session: { userId: 'user-a', secret: '' } });
    expect(await upstreamCalls()).toBe(before + 1);
    before = await upstreamCalls();
    const guest = await worker.request('http://127.0.0.1/auth/anonymous', { method: 'POST' });
    expect(guest.status).toBe(201);
    expect(await upstreamCalls()).toBe(before + 1);
  });

  it('never widens access: rows still go to Appwrite with the credential', async () => {
    const worker = app({ IDENTITY_CACHE_TTL_SECONDS: '60', APPWRITE_JWT_KEY: KEY });
    const { jwt } = await signIn(worker);
    const before = await upstreamCalls();
    const rows = await worker.request(
      'http://127.0.0.1/tables/642f358bf4084c662590/642f3592aa5fc856ad1e/rows',
      { headers: { authorization: `Bearer ${jwt}` } },
    );
    expect(rows.status).toBe(200);
    expect(await upstreamCalls()).toBe(before + 1);
  });
});
