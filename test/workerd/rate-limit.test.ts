// The Durable Object rate-limit store in workerd: the same contract as the memory and Redis stores,
// the app's limits over it, and the Workers entry counting in it (wrangler.toml binds RATE_LIMITER).
import { env, exports } from 'cloudflare:workers';
import { DurableObjectRateLimitStore, type RateLimitCounterNamespace } from 'hono-appwrite/cloudflare';
import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { API_KEY, PROJECT } from '../support/demo.ts';
import { defineStoreContract } from '../support/rate-limit-store.ts';

const namespace = env.RATE_LIMITER as RateLimitCounterNamespace;
const store = new DurableObjectRateLimitStore(namespace);

describe('the Durable Object store', () => {
  defineStoreContract(() => store, 30);
});

describe('limits over the Durable Object store', () => {
  const app = () =>
    createApp(
      parseConfig({
        APPWRITE_ENDPOINT: inject('workerdEmulatorEndpoint'),
        APPWRITE_PROJECT_ID: PROJECT,
        APPWRITE_API_KEY: API_KEY,
        RATE_LIMIT_STORE: 'durable-object',
        RATE_LIMIT_GUEST: '2/3600',
      }),
      { rateLimitStore: store, connInfo: (c) => c.req.header('CF-Connecting-IP') },
    );

  it('answers 429 with Retry-After past the budget, per client IP, and another app instance shares it', async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const guest = (worker: ReturnType<typeof app>, from = ip) =>
      worker.request('http://localhost/auth/anonymous', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': from },
      });
    // Two app instances stand for two isolates: the budget lives in the Durable Object.
    const [first, second] = [app(), app()];
    expect((await guest(first)).status).toBe(201);
    expect((await guest(second)).status).toBe(201);
    const limited = await guest(first);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 429, type: 'general_rate_limit_exceeded' });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await guest(second, '198.51.100.77')).status).toBe(201);
  });
});

describe('the Workers entry', () => {
  it('counts in the RATE_LIMITER Durable Object, keyed by CF-Connecting-IP', async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 2; i++) {
      const response = await exports.default.fetch(
        new Request('http://localhost/auth/anonymous', {
          method: 'POST',
          headers: { 'CF-Connecting-IP': ip },
        }),
      );
      expect(response.status).toBe(201);
      expect(response.headers.get('X-RateLimit-Limit')).toBe('10000');
    }
    // The entry's counter for this IP, read from the Durable Object itself.
    const now = Date.now();
    const guestLimit = { limit: 10000, windowSeconds: 3600 };
    expect(await store.hit(`guest:${ip}`, guestLimit, now)).toMatchObject({ allowed: true, count: 3 });
  });
});
