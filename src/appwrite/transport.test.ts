import { describe, expect, it } from 'vitest';
import { callOver, type Transport } from './transport.ts';

/** A transport that answers every request with one fixed response. */
const answering =
  (status: number, contentType: string | null, body: string): Transport =>
  async () => ({
    status,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) },
    text: async () => body,
    arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
  });

const call = (transport: Transport) =>
  callOver(transport, 'https://appwrite.example/v1/x', { method: 'GET', headers: {} }, 'json');

describe('callOver', () => {
  it.each([
    ['JSON', answering(200, 'application/json; charset=utf-8', '{"$id":"u"}'), { $id: 'u' }],
    [
      "Appwrite's text/plain answer (GET /ping)",
      answering(200, 'text/plain; charset=utf-8', 'Pong!'),
      { message: 'Pong!' },
    ],
    ['an empty 204', answering(204, null, ''), { message: '' }],
  ])('returns %s as node-appwrite does', async (_name, transport, expected) => {
    expect(await call(transport)).toEqual(expected);
  });

  it.each([
    [
      'an HTML page with 200 (a captive portal, a misrouted proxy)',
      answering(200, 'text/html', '<html>portal</html>'),
    ],
    ['a 200 without a content type', answering(200, null, 'something')],
    ['a redirect', answering(302, 'text/html', '')],
  ])('refuses %s with 502 upstream_invalid_response, without its body', async (_name, transport) => {
    const error = await call(transport).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ status: 502, type: 'upstream_invalid_response' });
    expect(String((error as Error).message)).not.toContain('portal');
  });
});
