// The HTTP layer under node-appwrite, made replaceable. node-appwrite sends every request through
// undici's `fetch`, whose WHATWG Request/Response/stream machinery costs more than the request
// itself against a nearby Appwrite (docs/performance.md). A Transport is the little of `fetch` the
// SDK's `call` and `redirect` use; `platform/undici-pool.ts` implements it on an undici Pool.
import JSONbigModule from 'json-bigint';
import { AppwriteException } from 'node-appwrite';
import { fetch } from 'undici';
import { errors } from '../errors.ts';

/** The response fields node-appwrite reads. */
export interface TransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What node-appwrite's `prepareRequest` produces, plus `redirect: 'manual'` for OAuth2 URLs. */
export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | null;
  /**
   * The deadline, for transports that enforce it themselves (undici's headers/body timeouts cost
   * far less than an `AbortSignal.timeout` per call: docs/performance.md).
   */
  timeoutMs?: number;
}

/**
 * Sends one request. Must not follow redirects (node-appwrite's `redirect` reads the 301/302 itself)
 * and must reject with the runtime's network errors (mapped to 502/504 by `fromUpstream`).
 */
export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

/**
 * node-appwrite's own HTTP layer as a {@link Transport}: the `fetch` it imports from undici (the
 * platform's on Workers, through the `undici` alias). The deadline is the request's `signal`.
 */
export const fetchTransport: Transport = (url, request) =>
  fetch(url, { ...(request as Parameters<typeof fetch>[1]), redirect: 'manual' });

// node-appwrite's JSON handling (dist/client.mjs), which it does not export: json-bigint, with big
// integers as Number when safe, BigInt within int64, Number beyond.
const parser = JSONbigModule({ storeAsString: false });
const serializer = JSONbigModule({ useNativeBigInt: true });
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_INT64 = 2n ** 63n - 1n;
type BigNumberLike = { _isBigNumber: true; isInteger(): boolean; toFixed(): string; toNumber(): number };
const reviver = (_key: string, value: unknown): unknown => {
  const big = value as BigNumberLike | null;
  if (big === null || typeof big !== 'object') return value;
  if (big._isBigNumber !== true) {
    // json-bigint builds objects without a prototype; give them the one JSON.parse gives, so that
    // an answer's objects are the same whichever path parsed it (and the same as on Workers).
    if (!Array.isArray(value) && Object.getPrototypeOf(value) === null)
      Object.setPrototypeOf(value, Object.prototype);
    return value;
  }
  if (!big.isInteger()) return big.toNumber();
  const text = big.toFixed();
  const integer = BigInt(text);
  if (integer >= -MAX_SAFE && integer <= MAX_SAFE) return Number(text);
  if (integer >= -MAX_INT64 - 1n && integer <= MAX_INT64) return integer;
  return big.toNumber();
};
/**
 * node-appwrite's JSON: json-bigint with its big-integer rules (also the test reference); objects
 * get `Object.prototype`, see {@link parseJson}.
 */
export const appwriteJson = {
  parse: (text: string): unknown => parser.parse(text, reviver),
  stringify: (value: unknown): string => serializer.stringify(value),
};

// json-bigint treats number literals longer than 15 characters specially (the reviver above
// decides what they become); every shorter literal is `+literal`, as JSON.parse reads it, unless
// that overflows to ±Infinity, which json-bigint refuses ("Bad number") and JSON.parse accepts. A
// literal is a run of `[-+.0-9eE]`, so a text without 16 of those in a row has no long literal,
// and a short one can only overflow with an exponent of 3 digits or more (15 characters with a
// 2-digit exponent stay below 1e111). Texts with neither go to the platform's JSON.parse (several
// times faster than json-bigint's parser in JavaScript) and give the same values. A run inside a
// string (a phone number, a date) only takes the exact path. A loop, not a regex: V8 tries
// `/[-+.\deE]{16}/` at every offset, which costs more than one pass (docs/performance.md).
const DIGIT = 1;
const EXPONENT = 2;
const OTHER_IN_NUMBER = 3;
const IN_NUMBER = new Uint8Array(128);
for (const char of '0123456789') IN_NUMBER[char.charCodeAt(0)] = DIGIT;
for (const char of 'eE') IN_NUMBER[char.charCodeAt(0)] = EXPONENT;
for (const char of '-+.') IN_NUMBER[char.charCodeAt(0)] = OTHER_IN_NUMBER;
/**
 * True when `text` has 16 characters in a row that can form a JSON number literal, or such a run
 * with an `e`/`E` followed by 3 digits: the texts json-bigint may read differently from JSON.parse.
 */
export const mayHaveLongNumber = (text: string): boolean => {
  let run = 0;
  let exponentDigits = -1; // digits since the run's last e/E; -1 before any
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = code < 128 ? (IN_NUMBER[code] as number) : 0;
    if (kind === 0) {
      run = 0;
      exponentDigits = -1;
      continue;
    }
    if (++run === 16) return true;
    if (kind === EXPONENT) exponentDigits = 0;
    else if (kind === DIGIT && exponentDigits >= 0 && ++exponentDigits === 3) return true;
  }
  return false;
};

/**
 * {@link appwriteJson}'s `parse`, with the platform's JSON.parse when {@link mayHaveLongNumber} is
 * false. Two differences from node-appwrite, on both paths alike: objects have `Object.prototype`
 * (json-bigint's have none), and where JSON.parse is used, keys containing `__proto__` or
 * `constructor` (which json-bigint refuses) are kept as plain own properties, as on Workers.
 */
export const parseJson = (text: string): unknown =>
  mayHaveLongNumber(text) ? appwriteJson.parse(text) : JSON.parse(text);

/**
 * node-appwrite's `Client.call` over a {@link Transport}: the same parsing, the same
 * `AppwriteException(message, code, type, response)` for 4xx/5xx, the same `toString`. Stricter in
 * one way: node-appwrite hands back any non-JSON success body as `{message: <body>}`, so a proxy's
 * HTML page would pass for Appwrite's answer; here a 1xx/3xx, or a 2xx whose body is neither JSON
 * nor `text/plain` (Appwrite's one text answer: `GET /ping` → `Pong!`), is 502
 * `upstream_invalid_response` (an empty 2xx, e.g. 204, stays a success).
 */
export const callOver = async (
  transport: Transport,
  uri: string,
  request: TransportRequest,
  responseType: string,
): Promise<unknown> => {
  const response = await transport(uri, request);
  const warnings = response.headers.get('x-appwrite-warning');
  if (warnings) for (const warning of warnings.split(';')) console.warn(`Warning: ${warning}`);
  const contentType = response.headers.get('content-type') ?? '';
  const json = contentType.includes('application/json');
  let data: unknown;
  if (json) data = parseJson(await response.text());
  else if (responseType === 'arrayBuffer') data = await response.arrayBuffer();
  else data = { message: await response.text() };
  const fields = (data ?? {}) as { message?: string; type?: string };
  if (
    response.status < 400 &&
    (response.status < 200 ||
      response.status >= 300 ||
      (!json && !contentType.startsWith('text/plain') && fields.message))
  ) {
    throw errors.invalidResponse();
  }
  if (response.status >= 400) {
    const responseText = json || responseType === 'arrayBuffer' ? serializer.stringify(data) : fields.message;
    throw new AppwriteException(fields.message ?? '', response.status, fields.type ?? '', responseText ?? '');
  }
  if (data && typeof data === 'object') {
    Object.defineProperty(data, 'toString', {
      value: () => serializer.stringify(data),
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  return data;
};

/** node-appwrite's `Client.redirect` over a {@link Transport}: the `Location` of a 301/302. */
export const redirectOver = async (transport: Transport, uri: string, request: TransportRequest) => {
  const response = await transport(uri, request);
  // Read (and so drain) the body: a pooled connection can be reused, and an error keeps its type.
  const text = await response.text().catch(() => '');
  if (response.status === 301 || response.status === 302) return response.headers.get('location') || '';
  if (response.status >= 400 && response.headers.get('content-type')?.includes('application/json')) {
    const fields = (() => {
      try {
        return (parseJson(text) ?? {}) as { message?: unknown; type?: unknown };
      } catch {
        return {};
      }
    })();
    if (typeof fields.type === 'string' && fields.type) {
      throw new AppwriteException(String(fields.message ?? ''), response.status, fields.type, text);
    }
  }
  throw new AppwriteException('Invalid redirect', response.status);
};
