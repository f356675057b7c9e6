import { describe, expect, it } from 'vitest';
import { literals } from '../../test/support/json-literals.ts';
import { appwriteJson, callOver, mayHaveLongNumber, parseJson, type Transport } from './transport.ts';

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

describe('parseJson (JSON.parse unless a long number literal may be present)', () => {
  it('flags every literal longer than 15 characters (json-bigint treats only those specially)', () => {
    const long = literals(20_000).filter((literal) => literal.length > 15);
    expect(long.length).toBeGreaterThan(5_000);
    expect(long.filter((literal) => !mayHaveLongNumber(`{"n":${literal}}`))).toEqual([]);
  });

  it.each([
    [
      'a user',
      '{"$id":"6453e7c5d2b41e9f0a88","phone":"+14155550100","$createdAt":"2026-01-01T00:00:00.000+00:00"}',
    ],
    ['short numbers', '{"total":123456789012345,"f":-1.25e-7,"list":[1,2,3]}'],
  ])('takes the fast path for %s', (_, text) => {
    expect(mayHaveLongNumber(text)).toBe(false);
  });

  it('gives the values node-appwrite gets (json-bigint) for 20,000 generated literals', () => {
    const differences = literals(20_000).filter((literal) => {
      const text = `{"a":${literal},"s":"x","b":[${literal},{"c":${literal}}]}`;
      return (
        JSON.stringify(parseJson(text), (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) !==
        JSON.stringify(appwriteJson.parse(text), (_, v) => (typeof v === 'bigint' ? `${v}n` : v))
      );
    });
    expect(differences).toEqual([]);
  });

  it.each([['1e400'], ['-1E+999'], ['12345e308']])(
    'takes the exact path for %s, which overflows: json-bigint refuses it, as before',
    (literal) => {
      const text = `{"n":${literal}}`;
      expect(mayHaveLongNumber(text)).toBe(true);
      expect(() => parseJson(text)).toThrow();
    },
  );

  it('gives objects the usual prototype on both paths (json-bigint makes them without one)', () => {
    for (const text of ['{"a":{"b":[{"c":1}]}}', '{"a":{"b":[{"c":9007199254740993}]}}']) {
      const value = parseJson(text) as { a: { b: [{ c: unknown }] } };
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(value.a.b[0])).toBe(Object.prototype);
      expect(String(value.a)).toBe('[object Object]');
    }
  });

  it('keeps big integers exact: int64 beyond 2^53 becomes a BigInt, as in node-appwrite', () => {
    expect(parseJson('{"n":9007199254740993,"m":12}')).toEqual({ n: 9007199254740993n, m: 12 });
  });

  it('parses with JSON.parse on the fast path: a `constructor` key, which json-bigint refuses, is kept', () => {
    const text = '{"constructor":"x","n":1}';
    expect(() => appwriteJson.parse(text)).toThrow();
    expect(parseJson(text)).toEqual({ constructor: 'x', n: 1 });
  });

  it('throws on broken JSON on both paths (mapped to 502 upstream_invalid_response)', () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
    expect(() => parseJson('{"a":12345678901234567890')).toThrow();
  });
});
