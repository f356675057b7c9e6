// The pooled transport must be invisible to node-appwrite's callers: the same values, the same
// AppwriteException fields and the same OAuth2 redirect URL as the SDK's own undici fetch.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import type { Transport } from 'hono-appwrite';
import { poolTransport } from 'hono-appwrite/node';
import { Account, type AppwriteException, Client, OAuthProvider, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userClient } from '../../packages/hono-appwrite/src/appwrite/clients.ts';
import { AppwriteHttpError } from '../../packages/hono-appwrite/src/errors.ts';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';

describe('poolTransport under node-appwrite', () => {
  let emulator: AppwriteEmulator;
  let pool: ReturnType<typeof poolTransport>;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator();
    pool = poolTransport({ connections: 2 });
  });
  afterAll(async () => {
    await pool.close();
    await emulator.stop();
  });

  const config = (transport: Transport | undefined) => ({
    endpoint: emulator.endpoint,
    projectId: PROJECT,
    timeoutMs: 5_000,
    transport,
  });
  /** Runs `call` with the SDK's fetch and with the pool; returns both outcomes (value or error fields). */
  const both = async (call: (client: (credential?: { secret: string }) => Client) => Promise<unknown>) => {
    const outcome = async (transport: Transport | undefined) => {
      const client = (credential?: { secret: string }) =>
        userClient(
          config(transport),
          credential ? { kind: 'session', secret: credential.secret } : undefined,
        );
      try {
        return { value: JSON.parse(JSON.stringify(await call(client))) as unknown };
      } catch (error) {
        if (!(error instanceof AppwriteHttpError)) throw error;
        return { error: { ...error.toBody(), cause: (error.cause as AppwriteException).response } };
      }
    };
    return { fetch: await outcome(undefined), pool: await outcome(pool) };
  };
  const session = async () => {
    const admin = new Client().setEndpoint(emulator.endpoint).setProject(PROJECT).setKey(API_KEY);
    return new Account(admin).createEmailPasswordSession({
      email: 'user-a@example.com',
      password: 'password-a',
    });
  };

  it('returns the same account and rows', async () => {
    const { secret } = await session();
    const account = await both((client) => new Account(client({ secret })).get());
    expect(account.pool).toEqual(account.fetch);
    expect(account.pool).toMatchObject({ value: { $id: 'user-a' } });
    const rows = await both((client) =>
      new TablesDB(client({ secret })).listRows({ databaseId: DATABASE, tableId: BIRTHDAYS }),
    );
    expect(rows.pool).toEqual(rows.fetch);
    expect(rows.pool).toMatchObject({ value: { total: 1 } });
  });

  it("throws the same error (Appwrite's, kept as its cause) for an Appwrite error", async () => {
    const result = await both((client) => new Account(client()).get());
    expect(result.pool).toEqual(result.fetch);
    expect(result.pool).toMatchObject({ error: { code: 401, type: 'general_unauthorized_scope' } });
  });

  it('returns the same OAuth2 redirect (no redirect followed)', async () => {
    const result = await both((client) =>
      new Account(client()).createOAuth2Token({
        provider: OAuthProvider.Github,
        success: 'http://localhost/ok',
        failure: 'http://localhost/fail',
      }),
    );
    expect(result.pool).toEqual(result.fetch);
    expect(String((result.pool as { value: string }).value)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/_emulator\/oauth2\/github\//,
    );
  });

  it('reuses keep-alive connections: 20 sequential calls open at most 2', async () => {
    let connections = 0;
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"$id":"user-a"}');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const local = poolTransport({ connections: 4 });
    try {
      const { port } = server.address() as AddressInfo;
      const client = () =>
        userClient(
          { ...config(local), endpoint: `http://127.0.0.1:${port}/v1` },
          { kind: 'jwt', jwt: 'a.b.c' },
        );
      for (let i = 0; i < 20; i++) expect(await new Account(client()).get()).toMatchObject({ $id: 'user-a' });
      // undici may open a second connection while the first is still being released; never more.
      expect(connections).toBeGreaterThanOrEqual(1);
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      await local.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('the answer, read without streams', () => {
    /** A server whose handler writes the raw answer; the pool transport sends it requests. */
    const rawServer = async (
      handle: (
        response: import('node:http').ServerResponse,
        request: import('node:http').IncomingMessage,
      ) => void,
    ) => {
      const server = createServer((request, response) => handle(response, request));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const local = poolTransport({ connections: 1 });
      const { port } = server.address() as AddressInfo;
      return {
        port,
        /** `GET <url>`, by default `/v1/x?a=1` on this server. */
        send: (
          init: { signal?: AbortSignal; timeoutMs?: number } = {},
          url = `http://127.0.0.1:${port}/v1/x?a=1`,
        ) => local(url, { method: 'GET', headers: {}, ...init }),
        close: async () => {
          await local.close();
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        },
      };
    };

    it('joins repeated headers, matches names case-insensitively, drops a UTF-8 BOM from text()', async () => {
      const server = await rawServer((response) => {
        response.setHeader('X-Appwrite-Warning', ['one', 'two']);
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('\ufeff{"name":"é"}');
      });
      try {
        const response = await server.send();
        expect(response.status).toBe(200);
        expect(response.headers.get('x-appwrite-warning')).toBe('one, two');
        expect(response.headers.get('CONTENT-TYPE')).toBe('application/json');
        expect(response.headers.get('x-missing')).toBeNull();
        expect(await response.text()).toBe('{"name":"é"}');
      } finally {
        await server.close();
      }
    });

    it('sends the path and query; a fragment or credentials in the URL never reach the wire', async () => {
      const seen: string[] = [];
      const server = await rawServer((response, request) => {
        seen.push(request.url ?? '');
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      try {
        for (const url of [
          `http://127.0.0.1:${server.port}/v1/account?queries%5B%5D=x`,
          `http://127.0.0.1:${server.port}/v1/account#fragment`,
          `http://user:pw@127.0.0.1:${server.port}/v1/account?a=1`,
        ]) {
          await (await server.send({}, url)).text();
        }
        expect(seen).toEqual(['/v1/account?queries%5B%5D=x', '/v1/account', '/v1/account?a=1']);
      } finally {
        await server.close();
      }
    });

    it('skips 1xx interim answers (103 Early Hints from a proxy): the answer is the final one', async () => {
      const server = await rawServer((response) => {
        response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
      try {
        const response = await server.send({ timeoutMs: 2_000 });
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('{"ok":true}');
      } finally {
        await server.close();
      }
    });

    it('rejects text() with the deadline when the body stalls', async () => {
      const server = await rawServer((response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"partial":');
      });
      try {
        const response = await server.send({ timeoutMs: 200 });
        expect(response.status).toBe(200);
        await expect(response.text()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
      } finally {
        await server.close();
      }
    });

    it('gives arrayBuffer() a copy of exactly the body, however many chunks it came in', async () => {
      const server = await rawServer((response) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.write(Buffer.from([1, 2, 3]));
        setTimeout(() => response.end(Buffer.from([4, 5])), 20);
      });
      try {
        const bytes = new Uint8Array(await (await server.send()).arrayBuffer());
        expect([...bytes]).toEqual([1, 2, 3, 4, 5]);
        expect(bytes.buffer.byteLength).toBe(5);
      } finally {
        await server.close();
      }
    });

    it('resolves at the headers; a body cut short rejects text(), as a fetch body read does', async () => {
      const server = await rawServer((response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"partial":');
        setTimeout(() => response.destroy(), 20);
      });
      try {
        const response = await server.send();
        expect(response.status).toBe(200);
        await expect(response.text()).rejects.toMatchObject({ code: expect.stringMatching(/^UND_ERR/) });
      } finally {
        await server.close();
      }
    });

    it('rejects with the deadline when the headers never come, and on an aborted signal', async () => {
      const server = await rawServer(() => {});
      try {
        await expect(server.send({ timeoutMs: 100 })).rejects.toMatchObject({
          code: 'UND_ERR_HEADERS_TIMEOUT',
        });
        const controller = new AbortController();
        const pending = server.send({ signal: controller.signal });
        setTimeout(() => controller.abort(new Error('stop')), 20);
        await expect(pending).rejects.toThrow('stop');
        await expect(server.send({ signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
      } finally {
        await server.close();
      }
    });
  });
});
