// The json-bigint stand-in relies on JSON.parse source text access and JSON.rawJSON: prove workerd has both.
import JSONbig from 'json-bigint';
import { describe, expect, it } from 'vitest';

describe('json-bigint alias in workerd', () => {
  it('is the platform stand-in, and keeps int64 precision both ways', () => {
    const json = JSONbig({ storeAsString: false });
    const parsed = json.parse('{"big":9007199254740993,"small":42,"float":1.5}') as Record<string, unknown>;
    expect(parsed).toEqual({ big: 9007199254740993n, small: 42, float: 1.5 });
    expect(JSONbig({ useNativeBigInt: true }).stringify({ big: 9007199254740993n })).toBe(
      '{"big":9007199254740993}',
    );
  });
});
