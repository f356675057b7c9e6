// Stands in for `json-bigint` on Cloudflare Workers (a Worker's wrangler.toml aliases it to
// `hono-appwrite/workers/json-bigint`): the same results as node-appwrite gets from json-bigint +
// bignumber.js, from the platform's own JSON — JSON.parse's source text access and JSON.rawJSON — in a smaller bundle.
// node-appwrite calls `JSONbig(options).parse(text, reviver)` and `.stringify(value)`; its reviver
// turns json-bigint's big numbers (literals longer than 15 characters) into a Number when the
// integer is safe, a BigInt within int64, and a Number otherwise. `parse` applies that rule itself.
// One difference: json-bigint throws on a `__proto__` key; JSON.parse keeps it as a plain own
// property (no prototype is changed either way).

type SourceReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;
type NativeJson = {
  parse(text: string, reviver: SourceReviver): unknown;
  rawJSON(text: string): unknown;
};

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The integer a JSON number literal denotes when it is one within int64; otherwise `undefined`. */
export const int64Of = (source: string): bigint | undefined => {
  const match = NUMBER.exec(source);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  const shift = Number(exponent) - fraction.length;
  let magnitude: bigint;
  if (shift >= 0) {
    // More than 19 digits is beyond int64 (unless the value is 0): no need to build 10^shift.
    if (digits !== '0' && digits.length + shift > 19) return undefined;
    magnitude = BigInt(digits) * 10n ** BigInt(Math.min(shift, 19));
  } else {
    const cut = digits.length + shift;
    if (/[1-9]/.test(cut > 0 ? digits.slice(cut) : digits)) return undefined; // has a fraction
    magnitude = cut > 0 ? BigInt(digits.slice(0, cut)) : 0n;
  }
  const value = sign ? -magnitude : magnitude;
  return value >= MIN_INT64 && value <= MAX_INT64 ? value : undefined;
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const reviveBig: SourceReviver = (_key, value, context) => {
  const source = context?.source;
  if (typeof value !== 'number' || source === undefined || source.length <= 15) return value;
  const integer = int64Of(source);
  return integer === undefined || (integer <= MAX_SAFE && integer >= -MAX_SAFE) ? value : integer;
};

const native = JSON as unknown as NativeJson;

/** `JSONbig(options)`: node-appwrite's two uses, whatever the options. */
export default function JSONbig(_options?: unknown): {
  parse(text: string, reviver?: unknown): unknown;
  stringify(value: unknown): string;
} {
  return {
    parse: (text: string, _reviver?: unknown): unknown => native.parse(text, reviveBig),
    stringify: (value: unknown): string =>
      JSON.stringify(value, (_key, item: unknown) =>
        typeof item === 'bigint' ? native.rawJSON(item.toString()) : item,
      ),
  };
}
