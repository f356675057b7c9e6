// Requests Node's HTTP parser rejects before Hono runs (headers over the limit, malformed HTTP, a
// request that never finishes) get the JSON error shape `{message, code, type}` like every other
// error, from answerClientErrorsAsJson on the server `serve()` returns; the app never sees them.
import type { Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { serve } from '@hono/node-server';
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { Hono } from 'hono';
import { answerClientErrorsAsJson } from 'hono-appwrite/node';
import { afterEach, describe, expect, inject, it } from 'vitest';

/** A request whose headers (20 KiB) are over Node's default limit of 16 KiB. */
const OVERSIZED = `GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`;

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** Everything the server sent before it closed the connection. */
  raw: string;
}

/** Sends `text` over `socket` and reads until the server closes the connection. */
const exchange = (socket: Socket, text: string) =>
  new Promise<RawResponse>((resolve, reject) => {
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      raw += chunk;
    });
    // The server closes without reading the rest of the request: a reset after its answer is fine.
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code !== 'ECONNRESET' || !raw) reject(error);
    });
    socket.on('close', () => {
      const split = raw.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
      const headers = new Map(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(split + 4), raw });
    });
    socket.write(text);
  });

const expectJsonError = (response: RawResponse, code: number, type: string, message?: string) => {
  expect(response.status).toBe(code);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('connection')).toBe('close');
  expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(response.body));
  const body = JSON.parse(response.body) as unknown;
  expect(body).toEqual({ message: message ?? expect.any(String), code, type });
};

describe('answerClientErrorsAsJson on a serve()d Hono app', () => {
  let server: Server | undefined;
  let handled = 0;
  afterEach(async () => {
    const started = server;
    server = undefined;
    if (!started) return;
    started.closeAllConnections();
    await new Promise((resolve) => started.close(resolve));
  });

  const start = async (serverOptions: Record<string, number> = {}) => {
    handled = 0;
    const app = new Hono()
      .get('/ping', (c) => {
        handled++;
        return c.json({ ok: true });
      })
      // A body that never ends: its response stays in flight on the connection.
      .get('/stream', () => {
        const stream = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode('first chunk')),
        });
        return new Response(stream, { headers: { 'content-type': 'text/plain' } });
      });
    const started = answerClientErrorsAsJson(
      serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', serverOptions }),
    ) as Server;
    server = started;
    await new Promise((resolve) => started.once('listening', resolve));
    return (started.address() as AddressInfo).port;
  };

  it('returns 431 general_request_headers_too_large as JSON for 20 KiB of headers', async () => {
    const port = await start();
    const response = await exchange(connect(port, '127.0.0.1'), OVERSIZED);
    expectJsonError(response, 431, 'general_request_headers_too_large', 'The request headers are too large.');
    expect(response.raw).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(handled).toBe(0);
  });

  it.each([
    ['a malformed request line', 'GET /ping HTTP/1.1 trailing\r\nHost: 127.0.0.1\r\n\r\n'],
    ['no request line at all', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', 'GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nbroken header\r\n\r\n'],
  ])('returns 400 general_bad_request as JSON for %s', async (_, text) => {
    const port = await start();
    expectJsonError(await exchange(connect(port, '127.0.0.1'), text), 400, 'general_bad_request');
    expect(handled).toBe(0);
  });

  it('returns 408 general_request_timeout as JSON for headers that never end', async () => {
    const port = await start({ headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 50 });
    const response = await exchange(connect(port, '127.0.0.1'), 'GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expectJsonError(response, 408, 'general_request_timeout');
    expect(handled).toBe(0);
  });

  it('still serves a request within the limit', async () => {
    const port = await start();
    const response = await exchange(
      connect(port, '127.0.0.1'),
      `GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(8 * 1024)}\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
  });

  it('does not splice an error into a response already being sent on the connection', async () => {
    const port = await start();
    const socket = connect(port, '127.0.0.1');
    const response = exchange(socket, 'GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    // The pipelined garbage goes out once the first response's headers and first chunk arrived.
    socket.once('data', () => socket.write('GARBAGE\r\n\r\n'));
    const { status, raw } = await response;
    expect(status).toBe(200);
    expect(raw).toContain('first chunk');
    expect(raw).not.toContain('HTTP/1.1 400');
    expect(raw).not.toContain('general_bad_request');
  });

  it('closes a reset connection without writing to it', async () => {
    const port = await start();
    const accepted = new Promise<Socket>((resolve) => server?.once('connection', resolve));
    const client = connect(port, '127.0.0.1');
    const serverSide = await accepted;
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const response = exchange(client, '');
    server?.emit('clientError', reset, serverSide);
    expect((await response).raw).toBe('');
    expect(serverSide.destroyed).toBe(true);
  });

  it('throws for an HTTP/2 server, which has no HTTP/1 parser to hook', () => {
    expect(() => answerClientErrorsAsJson(createHttp2Server())).toThrow(TypeError);
  });
});

describe.each(['http', 'https'] as const)('the emulator over %s', (protocol) => {
  let emulator: AppwriteEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
  });

  it('returns 431 JSON for 20 KiB of headers', async () => {
    emulator = await startAppwriteEmulator({
      https: protocol === 'https' ? { ca: inject('testCa') } : false,
    });
    const socket =
      protocol === 'https'
        ? tlsConnect({ host: '127.0.0.1', port: emulator.port, servername: 'localhost' })
        : connect(emulator.port, '127.0.0.1');
    const response = await exchange(socket, OVERSIZED);
    expectJsonError(response, 431, 'general_request_headers_too_large', 'The request headers are too large.');
  });
});
