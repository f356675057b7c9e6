// The control API's request counter, which the benchmark uses to count upstream calls.

import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, PROJECT } from '../support/demo.ts';

describe('GET /_emulator/stats', () => {
  let emulator: AppwriteEmulator;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const key = { 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY };
  const stats = async () =>
    (
      (await (await fetch(`${emulator.origin}/_emulator/stats`, { headers: key })).json()) as {
        requests: number;
      }
    ).requests;

  it('counts /v1 requests (answered or refused), not its own', async () => {
    const before = await stats();
    await fetch(`${emulator.endpoint}/account`, { headers: { 'x-appwrite-project': PROJECT } }); // 401
    await fetch(`${emulator.endpoint}/health/version`);
    expect(await stats()).toBe(before + 2);
    expect(await stats()).toBe(before + 2);
  });

  it('needs an API key', async () => {
    const response = await fetch(`${emulator.origin}/_emulator/stats`, {
      headers: { 'x-appwrite-project': PROJECT },
    });
    expect(response.status).toBe(401);
  });
});
