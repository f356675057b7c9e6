import { describe, expect, it } from 'vitest';
import { literals } from '../../test/support/json-literals.ts';
import { appwriteJson } from '../appwrite/transport.ts';
import JSONbig, { int64Of } from './json-bigint.ts';

// What node-appwrite 27 does (dist/client.mjs): json-bigint with its reviver, and a native-BigInt
// serializer — reproduced by the Node transport (`appwriteJson`), which runs on the real json-bigint
// here. The stand-in must give the same values for every number literal.
const reference = appwriteJson;
const shim = JSONbig({ storeAsString: false });

describe('json-native (json-bigint stand-in on Workers)', () => {
  it.each([
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740993n],
    ['-9007199254740993', -9007199254740993n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', 2 ** 63],
    ['1000000000000000000.0', 1000000000000000000n],
    ['123456789012345678e-3', Number('123456789012345678e-3')],
    ['1e18', 1e18],
    ['1234567890123456.5', 1234567890123456.5],
  ])('parses %s as node-appwrite does', (literal, expected) => {
    expect((shim.parse(`{"n":${literal}}`) as { n: unknown }).n).toBe(expected);
    expect((reference.parse(`{"n":${literal}}`) as { n: unknown }).n).toBe(expected);
  });

  it('agrees with json-bigint + node-appwrite on 20,000 generated literals', () => {
    const differences = literals(20_000).filter((literal) => {
      const text = `{"a":${literal},"b":[${literal}]}`;
      const ours = shim.parse(text) as { a: unknown; b: unknown[] };
      const theirs = reference.parse(text) as { a: unknown; b: unknown[] };
      return !Object.is(ours.a, theirs.a) || !Object.is(ours.b[0], theirs.b[0]);
    });
    expect(differences).toEqual([]);
  });

  it('stringifies BigInt as plain digits, like json-bigint with native BigInt', () => {
    const value = { x: 12345678901234567890n, y: [1, 'z', null, 9007199254740993n], n: 1.5, s: 'é"' };
    expect(shim.stringify(value)).toBe(reference.stringify(value));
    expect(shim.stringify(value)).toBe(
      '{"x":12345678901234567890,"y":[1,"z",null,9007199254740993],"n":1.5,"s":"é\\""}',
    );
  });

  it('throws a SyntaxError on broken JSON (mapped to 502 upstream_invalid_response)', () => {
    expect(() => shim.parse('{"a":')).toThrow(SyntaxError);
  });

  it.each([
    ['12', 12n],
    ['-0', 0n],
    ['1.50e1', 15n],
    ['1.5', undefined],
    ['1e19', undefined],
    ['9223372036854775807', 9223372036854775807n],
    ['0.0e30', 0n],
  ])('int64Of(%s) = %s', (literal, expected) => {
    expect(int64Of(literal)).toBe(expected);
  });
});
