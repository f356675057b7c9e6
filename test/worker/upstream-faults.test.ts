// The worker against a misbehaving upstream: every failure becomes an Appwrite-shaped 502/503/504
// within the configured deadline, without a cookie, and the same app serves the next request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Transport } from '../../src/appwrite/transport.ts';
import { parseConfig } from '../../src/config.ts';
import { poolTransport } from '../../src/platform/undici-pool.ts';

type Mode = 'hang' | 'stall' | 'html-502' | 'json-503' | 'truncated' | 'reset' | 'healthy';

// Both HTTP layers under node-appwrite: its own undici fetch, and the pooled transport Node uses.
const TRANSPORTS: { name: string; make: () => Transport | undefined }[] = [
  { name: "node-appwrite's undici fetch", make: () => undefined },
  { name: 'poolTransport (undici Pool)', make: () => poolTransport({ connections: 4 }) },
];

describe.each(TRANSPORTS)('upstream faults over $name', ({ make }) => {
  const transport = make();
  let mode: Mode = 'healthy';
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      if (mode === 'hang') return; // never answers
      if (mode === 'html-502') {
        response.writeHead(502, { 'content-type': 'text/html' }).end('<html>upstream secret page</html>');
        return;
      }
      if (mode === 'json-503') {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: 'maintenance', code: 503, type: 'general_service_disabled' }));
        return;
      }
      if (mode === 'stall') {
        // Headers and the start of a body, then silence: the body deadline must fire.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        response.write('{"$id":"user-a",');
        return;
      }
      if (mode === 'reset') {
        // Headers and half a body, then the connection is torn down.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        response.write('{"$id":"user-a",');
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      if (mode === 'truncated') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"$id":"user-a","name":');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ $id: 'user-a' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const app = () =>
    createApp(
      parseConfig({
        APPWRITE_ENDPOINT: `http://127.0.0.1:${port}/v1`,
        APPWRITE_PROJECT_ID: 'demo',
        APPWRITE_API_KEY: 'demo-api-key',
        APPWRITE_TIMEOUT_MS: '300',
      }),
      transport ? { transport } : {},
    );
  const login = (worker: ReturnType<typeof app>) =>
    worker.request('http://127.0.0.1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
    });
  const me = (worker: ReturnType<typeof app>) =>
    worker.request('http://127.0.0.1/me', { headers: { authorization: 'Bearer a.b.c' } });

  it.each([
    ['hang', 504, 'upstream_timeout'],
    ['stall', 504, 'upstream_timeout'],
    ['html-502', 502, 'upstream_invalid_response'],
    ['json-503', 503, 'general_service_disabled'],
    ['truncated', 502, 'upstream_invalid_response'],
    ['reset', 502, 'upstream_unavailable'],
  ] as const)(
    'maps an upstream that does %s to %i %s, sets no cookie, then serves again',
    async (fault, status, type) => {
      const worker = app();
      mode = fault;
      for (const send of [login, me]) {
        const started = Date.now();
        const response = await send(worker);
        expect(Date.now() - started).toBeLessThan(3_000);
        expect(response.status).toBe(status);
        const body = (await response.json()) as { message: string; code: number; type: string };
        expect(body).toMatchObject({ code: status, type });
        expect(body.message).not.toContain('secret');
        expect(response.headers.getSetCookie()).toEqual([]);
      }
      mode = 'healthy';
      const recovered = await me(worker);
      expect(recovered.status).toBe(200);
      expect(await recovered.json()).toEqual({ $id: 'user-a' });
    },
  );

  it('answers 502 upstream_unavailable for a closed port', async () => {
    const closed = createApp(
      parseConfig({
        APPWRITE_ENDPOINT: 'http://127.0.0.1:9/v1',
        APPWRITE_PROJECT_ID: 'demo',
        APPWRITE_API_KEY: 'k',
      }),
      transport ? { transport } : {},
    );
    const response = await closed.request('http://127.0.0.1/me', {
      headers: { authorization: 'Bearer a.b.c' },
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: 502, type: 'upstream_unavailable' });
  });
});
