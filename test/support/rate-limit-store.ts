// The contract every rate-limit store must keep (memory, Redis, Durable Object), shared by the node
// suite and the workerd suite, like the runtime scenario.

import type { Limit, RateLimitStore } from 'hono-appwrite';
import { expect, it } from 'vitest';

const HOUR = Date.parse('2030-01-01T10:00:00.000Z');
const limit: Limit = { limit: 3, windowSeconds: 60 };
const unique = () => `t:${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** Registers the contract's tests; `store` is called inside each test (after setup ran). */
export const defineStoreContract = (store: () => RateLimitStore, concurrent: number) => {
  it('lets `limit` requests through per fixed window, refuses the rest without counting them', async () => {
    const key = unique();
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await store().hit(key, limit, HOUR + 5_000 + i));
    expect(hits.map((hit) => [hit.allowed, hit.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 3],
      [false, 3],
    ]);
    // The window is aligned to the epoch, as Appwrite's: it ends at the next whole minute.
    expect(new Set(hits.map((hit) => hit.resetAt))).toEqual(new Set([HOUR + 60_000]));
    expect(await store().hit(key, limit, HOUR + 60_000)).toMatchObject({ allowed: true, count: 1 });
  });

  it('keeps keys apart and forgets one on reset()', async () => {
    const [a, b] = [unique(), unique()];
    for (let i = 0; i < 3; i++) await store().hit(a, limit, HOUR);
    expect((await store().hit(a, limit, HOUR)).allowed).toBe(false);
    expect(await store().hit(b, limit, HOUR)).toMatchObject({ allowed: true, count: 1 });
    await store().reset(a, limit, HOUR);
    expect(await store().hit(a, limit, HOUR)).toMatchObject({ allowed: true, count: 1 });
  });

  it(`checks and counts atomically: of ${concurrent} concurrent requests exactly \`limit\` pass`, async () => {
    const key = unique();
    const hits = await Promise.all(Array.from({ length: concurrent }, () => store().hit(key, limit, HOUR)));
    expect(hits.filter((hit) => hit.allowed)).toHaveLength(3);
  });
};
