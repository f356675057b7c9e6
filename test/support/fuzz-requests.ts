// Generated requests for the worker fuzz suite (test/worker/fuzz.test.ts): fast-check arbitraries of
// whole requests (method, path, query, headers, body), how to turn one into `app.request` arguments,
// and the invariants every answer must hold. Credentials are placeholders (`«session:3»`) resolved
// against a pool of real ones when the request is sent, so counterexamples stay printable.
import fc from 'fast-check';
import type { Transport } from 'hono-appwrite';
import { nextTargets } from '../../packages/hono-appwrite/test/support/next-targets.ts';
import { STYLESHEET_PATH } from '../../src/pages/styles.ts';
import { BIRTHDAYS, DATABASE, PROJECT } from './demo.ts';

/** The worker's origin in these tests (a platform the emulator accepts for OAuth return URLs). */
export const BASE = 'http://127.0.0.1:8787';
/** The one extra origin the fuzzed app trusts (`ALLOWED_ORIGINS`). */
export const FRONT = 'https://front.example';
export const COOKIE = `a_session_${PROJECT}`;
export const ROWS = `/tables/${DATABASE}/${BIRTHDAYS}/rows`;

/** Real credentials, refreshed while the fuzzer runs (a fuzzed logout kills one). */
export interface CredentialPool {
  sessions: string[];
  guests: string[];
  jwts: string[];
  /** The state value of a started OAuth flow, so callbacks can pass the state check. */
  states: string[];
}

/**
 * Replaces `«session:N»`, `«guest:N»`, `«jwt:N»` and `«state:N»` with real values from the pool;
 * `«jwt:N-K»` is that JWT with its last K characters cut (a signature of a bad length or bytes).
 */
export const resolve = (value: string, pool: CredentialPool): string =>
  value.replace(
    /«(session|guest|jwt|state):(\d+)(?:-(\d+))?»/g,
    (_, kind: string, index: string, cut?: string) => {
      const list = pool[`${kind}s` as keyof CredentialPool];
      const found = list.length ? (list[Number(index) % list.length] ?? '') : `missing-${kind}`;
      return cut ? found.slice(0, -Number(cut)) : found;
    },
  );

// ---------------------------------------------------------------------------------------------
// Building blocks

const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** `arbitrary` present with probability `present` (0–1), else undefined. */
const sometimes = <T>(present: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  weighted<T | undefined>(
    [Math.round(present * 100), arbitrary],
    [Math.round((1 - present) * 100), fc.constant(undefined)],
  );

const repeatChar = (char: string, min: number, max: number) =>
  fc.integer({ min, max }).map((n) => char.repeat(n));

/** Any string: ASCII, full Unicode (lone surrogates too), or raw bytes as Latin-1. */
const anyText = (maxLength = 40) =>
  weighted(
    [3, fc.string({ maxLength })],
    [2, fc.string({ unit: 'binary', maxLength })],
    [1, fc.string({ unit: 'grapheme', maxLength })],
    [
      1,
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }),
    ],
  );

/** What a header value may carry through the Fetch API: bytes 0x00–0xFF except NUL, CR and LF. */
const headerByte = fc
  .integer({ min: 1, max: 0xff })
  .filter((c) => c !== 0x0a && c !== 0x0d)
  .map((c) => String.fromCharCode(c));

/** A header value the Fetch `Headers` accepts: Latin-1 bytes, no NUL/CR/LF, no surrounding blanks. */
const headerValue = (maxLength = 60) =>
  weighted<string>(
    [3, fc.string({ maxLength })],
    [2, fc.string({ unit: headerByte, maxLength })],
    // Unicode as a browser or proxy sends it: UTF-8 bytes, each one a Latin-1 character.
    [2, fc.string({ unit: 'grapheme', maxLength }).map((s) => Buffer.from(s, 'utf8').toString('latin1'))],
  ).map((s) => s.replace(/^[\t ]+|[\t ]+$/g, ''));

/** Text that looks like an attempt at header or log injection. */
const injection = fc.constantFrom(
  '%0d%0aSet-Cookie:%20pwned=1',
  '%0D%0ALocation:%20https://evil.example',
  '\\r\\nX-Injected: 1',
  '%E5%98%8A%E5%98%8DSet-Cookie:x=1', // U+560A U+560D: bytes 0A/0D in a naive Latin-1 cut
  '%00',
  '%u000d%u000a',
  '\u2028\u2029',
  '\u0085',
);

const appwriteIdLike = weighted<string>(
  [4, fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)],
  [2, fc.constantFrom(DATABASE, BIRTHDAYS, 'user-a', 'unique()', 'x'.repeat(37), '-x', '.', '..', '')],
  [2, anyText(50)],
);

/** `next` targets: safe, allow-listed, foreign, schemes, controls, credentials in URLs. */
const nextValue = weighted<string>(
  [3, fc.constantFrom('/', '/me', '/login?x=1#y', `${BASE}/me`, `${FRONT}/done`, '')],
  [
    4,
    fc.constantFrom(
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      `http://user:pass@127.0.0.1:8787/`,
      '/%0d%0aSet-Cookie:x=1',
      '/\r\nSet-Cookie: x=1',
      '/\tx',
      '/x\u0000y',
      'https://front.example.evil.example/',
      `${FRONT}@evil.example`,
      'HTTPS://FRONT.EXAMPLE/x',
      '/'.padEnd(3000, 'a'),
      ' /me',
      '/me ',
      'http:/evil.example',
      'http:evil.example',
      '/..//evil.example',
      '/%2E%2E//evil.example',
    ),
  ],
  [3, nextTargets],
  [2, anyText(60)],
);

/** `encodeURIComponent`, with lone surrogates (which it refuses) made U+FFFD as a browser does. */
const encode = (value: string) =>
  encodeURIComponent(
    value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );

/** One query parameter: name=value, encoded as a browser would, or left raw. */
const queryPair = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.tuple(name, value, fc.boolean()).map(([n, v, raw]) => (raw ? `${n}=${v}` : `${encode(n)}=${encode(v)}`));

const tableQuery = weighted<string>(
  [
    3,
    fc.constantFrom(
      '{"method":"limit","values":[1]}',
      '{"method":"limit","values":[0]}',
      '{"method":"equal","attribute":"name","values":["Kevin"]}',
      '{"method":"equal","attribute":"$id","values":["bc7fc866ad1e"]}',
      '{"method":"select","values":["*"]}',
      '{"method":"orderDesc","attribute":"birthday"}',
      '{"method":"cursorAfter","values":["nope"]}',
      '{"method":"nope"}',
      '{"method":""}',
      '{"method":1}',
      '[]',
      'null',
      'not-json',
      '{"method":"limit","values":[1e309]}',
      '{"method":"limit","values":[-1]}',
      '{"method":"equal","attribute":"__proto__","values":[{}]}',
    ),
  ],
  [1, fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ method: 'equal', values: [value] }))],
  [1, repeatChar('a', 4000, 5000).map((pad) => JSON.stringify({ method: 'limit', values: [1], pad }))],
  [1, anyText(80)],
);

const queryString = (extra: fc.Arbitrary<string>[]) =>
  fc
    .array(
      weighted<string>(
        [2, queryPair(fc.constant('next'), nextValue)],
        [
          1,
          queryPair(
            fc.constant('error'),
            fc.oneof(
              fc.stringMatching(/^[a-z0-9_]{1,40}$/),
              fc.constant('"><script>x</script>'),
              anyText(80),
            ),
          ),
        ],
        [1, queryPair(anyText(20), anyText(40))],
        [1, injection.map((value) => `x=${value}`)],
        ...extra.map((arbitrary): [number, fc.Arbitrary<string>] => [3, arbitrary]),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => pairs.join('&'));

const callbackQuery = fc
  .record({
    state: weighted<string>(
      [6, fc.nat().map((n) => `«state:${n}»`)],
      [1, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)],
      [1, anyText(50)],
    ),
    userId: appwriteIdLike,
    secret: weighted<string>(
      [2, fc.stringMatching(/^[A-Za-z0-9+/=_.-]{1,200}$/)],
      [1, fc.stringMatching(/^[A-Za-z0-9_-]{10,40}\.[A-Za-z0-9_-]{10,80}\.[A-Za-z0-9_-]{10,43}$/)],
      [1, anyText(60)],
      [1, repeatChar('s', 4000, 5000)],
    ),
    next: fc.option(nextValue, { nil: undefined }),
  })
  .map(({ next, ...fields }) => {
    // `«state:N»` is resolved after encoding: keep it out of encodeURIComponent.
    const pairs = Object.entries(next === undefined ? fields : { ...fields, next }).map(([key, value]) =>
      value.startsWith('«') ? `${key}=${value}` : `${key}=${encode(value)}`,
    );
    return pairs.join('&');
  });

const failureQuery = weighted<string>(
  [
    2,
    fc
      .oneof(
        fc.constantFrom(
          '{"message":"x","type":"user_oauth2_provider_error","code":401}',
          '{"type":"<script>"}',
          '{"type":"a\\r\\nb"}',
          `{"type":"${'a'.repeat(80)}"}`,
          'not json',
          '{"type":null}',
        ),
        fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
      )
      .map((value) => `error=${encodeURIComponent(value)}`),
  ],
  [1, queryString([])],
);

/** A path segment: ASCII, Unicode (the URL parser percent-encodes it), or percent-encoding tricks. */
const segment = weighted<string>(
  [3, fc.webSegment()],
  [2, anyText(20)],
  [
    2,
    fc.constantFrom(
      '%',
      '%zz',
      '%00',
      '%2F',
      '%2e%2e',
      '%C0%AF',
      '%E2%80%AE',
      '..',
      '.',
      '',
      ';x=1',
      'auth',
      'oauth',
      'callback',
      'me',
      'tables',
      'rows',
      'assets',
      'login',
    ),
  ],
  [1, injection],
);

/** Real routes, with the parameters each takes. */
const routePath = weighted<string>(
  [3, fc.constantFrom('/health', '/me', '/', '/login', '/signup', '/favicon.ico', STYLESHEET_PATH)],
  [
    6,
    fc.constantFrom(
      '/auth/signup',
      '/auth/login',
      '/auth/anonymous',
      '/auth/upgrade',
      '/auth/logout',
      '/auth/jwt',
    ),
  ],
  [3, fc.constantFrom('/auth/oauth/github', '/auth/oauth/google', '/auth/oauth/mock', '/auth/oauth/GitHub')],
  [1, segment.map((s) => `/auth/oauth/${s}`)],
  [4, fc.constant('/auth/oauth/callback')],
  [2, fc.constant('/auth/oauth/failure')],
  [5, fc.constant(ROWS)],
  [3, fc.tuple(appwriteIdLike, appwriteIdLike).map(([db, table]) => `/tables/${db}/${table}/rows`)],
  [1, fc.constantFrom('/tables', '/tables/x', `/tables/${DATABASE}/${BIRTHDAYS}`, `${ROWS}/x`, '/me/x')],
  [1, segment.map((s) => `/assets/${s}`)],
  [2, fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`)],
  [1, fc.webPath({ size: 'medium' }).map((path) => (path.startsWith('/') ? path : `/${path}`))],
  [
    1,
    fc
      .tuple(fc.constantFrom('/', '/me/', '/auth/login/', '/x/'), repeatChar('a', 1000, 70_000))
      .map(([head, tail]) => head + tail),
  ],
  [
    1,
    fc.constantFrom('//evil.example/', '//', '/..', '/./me', '/auth//login', '/ME', '/Auth/Login', '/%2e/me'),
  ],
);

// Built once: arbitraries built inside `chain` would be compiled again for every value.
const plainQuery = queryString([]);
const routeQueries = {
  callback: weighted([4, callbackQuery], [1, plainQuery]),
  failure: failureQuery,
  tables: weighted<string>(
    [4, queryString([queryPair(fc.constantFrom('queries[]', 'queries', 'queries[0]'), tableQuery)])],
    [
      1,
      fc
        .integer({ min: 99, max: 103 })
        .map((n) => Array.from({ length: n }, () => 'queries[]={"method":"limit","values":[1]}').join('&')),
    ],
  ),
  other: plainQuery,
};
const withQuery = (query: fc.Arbitrary<string>, present = 0.7) =>
  fc
    .tuple(sometimes(present, query), fc.boolean())
    .map(([q, fragment]) => `${q === undefined ? '' : `?${q}`}${fragment ? '#frag' : ''}`);
const suffixes = {
  callback: withQuery(routeQueries.callback, 0.95),
  failure: withQuery(routeQueries.failure),
  tables: withQuery(routeQueries.tables),
  other: withQuery(routeQueries.other),
};

/** A path with the query its route reads, or random ones. */
export const pathArbitrary: fc.Arbitrary<string> = routePath.chain((path) => {
  const kind =
    path === '/auth/oauth/callback'
      ? 'callback'
      : path === '/auth/oauth/failure'
        ? 'failure'
        : path.startsWith('/tables/')
          ? 'tables'
          : 'other';
  return suffixes[kind].map((suffix) => `${path}${suffix}`);
});

// ---------------------------------------------------------------------------------------------
// Headers

const sessionCookieValue = weighted<string>(
  [4, fc.nat().map((n) => `«session:${n}»`)],
  [2, fc.nat().map((n) => `«guest:${n}»`)],
  [2, fc.stringMatching(/^[A-Za-z0-9+/=_.-]{16,300}$/)],
  [1, fc.constantFrom('', 'abc', '%00', '"quoted"', 'a b c d e f g h i j', 'a\\b'.repeat(8))],
  [1, fc.string({ unit: headerByte, maxLength: 80 }).map((s) => s.replace(/[;,]/g, ''))],
  [1, repeatChar('A', 4000, 20_000)],
);

const cookieHeader = fc
  .array(
    weighted<string>(
      [4, sessionCookieValue.map((value) => `${COOKIE}=${value}`)],
      [1, fc.nat().map((n) => `__Host-${COOKIE}_oauth=«state:${n}»`)],
      [1, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((value) => `__Host-${COOKIE}_oauth=${value}`)],
      [1, headerValue(40).map((value) => `${COOKIE}_email=${encodeURIComponent(value)}`)],
      [1, fc.constant(`${COOKIE}_email=${encodeURIComponent('"><script>x</script>@example.com')}`)],
      [1, headerValue(40).map((value) => `${COOKIE}_email=${value.replace(/[;,]/g, '')}`)],
      [1, fc.tuple(fc.webSegment(), headerValue(30)).map(([n, v]) => `${n}=${v.replace(/;/g, '')}`)],
      [1, headerValue(60)],
      [1, repeatChar('x', 1000, 30_000).map((v) => `big=${v}`)],
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((pairs) => pairs.join('; '));

const authorizationHeader = weighted<string>(
  [4, fc.nat().map((n) => `Bearer «jwt:${n}»`)],
  [1, fc.nat().map((n) => `bearer   «jwt:${n}»  `)],
  [1, fc.nat().map((n) => `Bearer «jwt:${n}», Bearer «jwt:${n + 1}»`)],
  [1, fc.tuple(fc.nat(), fc.integer({ min: 1, max: 5 })).map(([n, cut]) => `Bearer «jwt:${n}-${cut}»`)],
  [
    2,
    fc
      .stringMatching(/^[A-Za-z0-9_-]{1,60}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{0,60}$/)
      .map((jwt) => `Bearer ${jwt}`),
  ],
  [
    1,
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer a.b.c',
      'Bearer a.b',
      'Basic dXNlcjpwdw==',
      '',
      'Bearer eyJhbGciOiJub25lIn0.eyJ1c2VySWQiOiJ1c2VyLWEiLCJleHAiOjk5OTk5OTk5OTl9.',
      `Bearer «session:0»`,
    ),
  ],
  [1, repeatChar('a', 8000, 20_000).map((pad) => `Bearer a.${pad}.c`)],
  [1, headerValue(80)],
);

const originHeader = weighted<string>(
  [3, fc.constantFrom(BASE, FRONT)],
  [
    2,
    fc.constantFrom(
      'https://evil.example',
      'null',
      `${BASE}/`,
      'http://127.0.0.1',
      'https://127.0.0.1:8787',
      'http://localhost:8787',
      '',
    ),
  ],
  [1, headerValue(40)],
);

const contentTypeHeader = weighted<string>(
  [
    6,
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzzboundary',
    ),
  ],
  [
    2,
    fc.constantFrom(
      'APPLICATION/JSON',
      'application/jsonx',
      'application/json-patch+json',
      'application/vnd.api+json',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary="quoted"',
      'multipart/mixed; boundary=fuzzboundary',
      'application/x-www-form-urlencoded; charset=utf-16',
      'text/plain',
      'text/plain; charset=utf-8',
      'text/html',
      'application/xml',
      'application/octet-stream',
      'image/png',
      ';',
      '*/*',
      '',
    ),
  ],
  [1, headerValue(60)],
);

const acceptHeader = weighted<string>(
  [3, fc.constantFrom('text/html', 'application/json', '*/*')],
  [
    1,
    fc.constantFrom(
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'text/html;q=0',
      'application/json, text/plain, */*',
      'TEXT/HTML',
      '',
    ),
  ],
  [1, headerValue(40)],
);

const userAgentHeader = weighted<string>(
  [2, fc.constantFrom('Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', 'curl/8.5.0', '')],
  [3, headerValue(120)],
  // Controls the Fetch API lets through (everything but NUL, CR, LF): tab, ESC, DEL, C1 …
  [2, fc.string({ unit: headerByte, minLength: 1, maxLength: 200 }).map((s) => `UA ${s} end`)],
  [1, repeatChar('u', 600, 10_000)],
);

const randomHeaderName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/),
  fc.constantFrom(
    'X-Forwarded-For',
    'X-Forwarded-Host',
    'X-Forwarded-Proto',
    'Host',
    'X-Appwrite-Key',
    'X-Appwrite-Project',
    'X-Appwrite-Session',
    'X-Appwrite-JWT',
    'X-Fallback-Cookies',
    'X-HTTP-Method-Override',
    'Content-Length',
    'Transfer-Encoding',
    'Content-Encoding',
    'Sec-Fetch-Mode',
    'Referer',
    'Range',
    'If-None-Match',
  ),
);

type HeaderEntry = [string, string];

/** Anything in every header: credentials valid, broken or absent, foreign origins, odd types. */
const randomHeaders: fc.Arbitrary<HeaderEntry[]> = fc
  .record({
    cookie: sometimes(0.55, fc.array(cookieHeader, { minLength: 1, maxLength: 3 })),
    authorization: sometimes(0.4, authorizationHeader),
    origin: sometimes(0.5, originHeader),
    secFetchSite: sometimes(
      0.3,
      fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'SAME-ORIGIN', ''),
    ),
    contentType: sometimes(0.75, contentTypeHeader),
    accept: sometimes(0.6, acceptHeader),
    userAgent: sometimes(0.7, userAgentHeader),
    extra: fc.array(fc.tuple(randomHeaderName, headerValue(60)), { maxLength: 2 }),
  })
  .map((h) => {
    const entries: HeaderEntry[] = [];
    // Several Cookie headers are merged by the Fetch API, as a proxy might do.
    for (const value of h.cookie ?? []) entries.push(['Cookie', value]);
    if (h.authorization !== undefined) entries.push(['Authorization', h.authorization]);
    if (h.origin !== undefined) entries.push(['Origin', h.origin]);
    if (h.secFetchSite !== undefined) entries.push(['Sec-Fetch-Site', h.secFetchSite]);
    if (h.contentType !== undefined) entries.push(['Content-Type', h.contentType]);
    if (h.accept !== undefined) entries.push(['Accept', h.accept]);
    if (h.userAgent !== undefined) entries.push(['User-Agent', h.userAgent]);
    entries.push(...h.extra);
    return entries;
  });

/** A signed-in browser (its session cookie, same origin) or API client (a Bearer JWT). */
const signedInHeaders: fc.Arbitrary<HeaderEntry[]> = fc
  .record({
    credential: fc.oneof(
      fc.nat().map((n): HeaderEntry => ['Cookie', `${COOKIE}=«session:${n}»`]),
      fc.nat().map((n): HeaderEntry => ['Cookie', `theme=dark; ${COOKIE}=«guest:${n}»`]),
      fc.nat().map((n): HeaderEntry => ['Authorization', `Bearer «jwt:${n}»`]),
    ),
    origin: sometimes(0.7, fc.constantFrom(BASE, FRONT)),
    contentType: sometimes(0.8, contentTypeHeader),
    accept: sometimes(0.7, acceptHeader),
    userAgent: sometimes(0.8, userAgentHeader),
  })
  .map((h) => {
    const entries: HeaderEntry[] = [h.credential];
    if (h.origin !== undefined) entries.push(['Origin', h.origin]);
    if (h.contentType !== undefined) entries.push(['Content-Type', h.contentType]);
    if (h.accept !== undefined) entries.push(['Accept', h.accept]);
    if (h.userAgent !== undefined) entries.push(['User-Agent', h.userAgent]);
    return entries;
  });

const headersArbitrary = weighted<HeaderEntry[]>([3, randomHeaders], [2, signedInHeaders]);

// ---------------------------------------------------------------------------------------------
// Bodies

/** A body as a printable description; {@link bodyInit} makes the real thing. */
export type BodySpec =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'form-data'; fields: [string, string][]; file: boolean };

const email = weighted<string>(
  [2, fc.constantFrom('user-a@example.com', 'USER-A@example.com', 'nobody@example.com')],
  [1, fc.emailAddress()],
  [1, anyText(40)],
  [1, repeatChar('e', 250, 300).map((local) => `${local}@example.com`)],
);
const password = weighted<string>(
  [2, fc.constantFrom('password-a', 'wrong-password', 'short', '')],
  [1, anyText(40)],
  [1, repeatChar('p', 250, 300)],
);
/** A sign-in body. Mostly refused before Appwrite: valid ones cost the emulator a scrypt hash. */
const fields = fc.record(
  {
    email,
    password,
    name: anyText(140),
    next: nextValue,
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

/** Deeply nested JSON, valid or cut short. */
const nested = fc
  .tuple(fc.integer({ min: 100, max: 6000 }), fc.boolean(), fc.constantFrom('[', '{"a":'))
  .map(([depth, closed, open]) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
  });

const jsonText = weighted<string>(
  [4, fields.map((value) => JSON.stringify(value))],
  [2, fc.json({ maxDepth: 3 })],
  [1, nested],
  [
    1,
    fc.constantFrom(
      '',
      '{',
      '{"email":',
      'null',
      '[]',
      '"string"',
      '{"email":"user-a@example.com","password":"password-a"',
      '\ufeff{"email":"a@b.c"}',
      '{"email":"\\ud800"}',
      '{"__proto__":{"email":"user-a@example.com"}}',
      '{"constructor":{"prototype":{"admin":true}}}',
    ),
  ],
  [1, repeatChar('x', 16 * 1024 - 20, 40_000).map((pad) => JSON.stringify({ email: 'a@b.c', pad }))],
  [1, anyText(200)],
);

const urlencodedText = weighted<string>(
  [
    4,
    fields.map((value) =>
      new URLSearchParams(
        Object.entries(value).map(([key, field]) => [
          key,
          typeof field === 'string' ? field : JSON.stringify(field),
        ]),
      ).toString(),
    ),
  ],
  [1, fc.constantFrom('%', '%zz', 'email=%E0%A4%A', '&&&', '=', 'a=1&a=2&a=3', 'next=%0d%0a')],
  [1, repeatChar('x', 16 * 1024, 30_000).map((pad) => `email=a%40b.c&pad=${pad}`)],
  [1, anyText(200)],
);

const multipartText = weighted<string>(
  [
    3,
    fc
      .array(fc.tuple(fc.constantFrom('email', 'password', 'next', 'name', 'x'), anyText(40)), {
        maxLength: 5,
      })
      .map(
        (entries) =>
          `${entries
            .map(
              ([name, value]) =>
                `--fuzzboundary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
            )
            .join('')}--fuzzboundary--\r\n`,
      ),
  ],
  [1, fc.constantFrom('--fuzzboundary\r\n', '--fuzzboundary--', 'garbage', '--fuzzboundary\r\n\r\n')],
  [1, anyText(200)],
);

export const bodyArbitrary: fc.Arbitrary<BodySpec | undefined> = weighted<BodySpec | undefined>(
  [3, fc.constant(undefined)],
  [5, jsonText.map((text) => ({ kind: 'text', text }))],
  [3, urlencodedText.map((text) => ({ kind: 'text', text }))],
  [2, multipartText.map((text) => ({ kind: 'text', text }))],
  [
    2,
    fc
      .record({
        fields: fc.array(
          fc.tuple(
            fc.constantFrom('email', 'password', 'next', 'name', 'x'),
            fc.oneof(email, password, nextValue),
          ),
          { maxLength: 5 },
        ),
        file: fc.boolean(),
      })
      .map(({ fields: entries, file }) => ({ kind: 'form-data', fields: entries, file })),
  ],
  [1, fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes', bytes: [...bytes] }))],
  [1, anyText(300).map((text) => ({ kind: 'text', text }))],
);

const methodArbitrary = weighted<string>(
  [8, fc.constantFrom('GET', 'POST')],
  [3, fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')],
  [
    1,
    fc.constantFrom(
      'get',
      'post',
      'Post',
      'patch',
      'PROPFIND',
      'PURGE',
      'M-SEARCH',
      'LINK',
      'FOO',
      'QUERY',
      'ALL',
    ),
  ],
  // Any method token the Fetch API accepts (CONNECT, TRACE and TRACK it refuses).
  [1, fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/)],
);

/** One generated request, before credentials are filled in. */
export interface RequestSpec {
  method: string;
  path: string;
  headers: HeaderEntry[];
  body: BodySpec | undefined;
}

/** The method a route is served on: POST for the sign-in routes, GET for the rest. */
const naturalMethod = (path: string) =>
  /^\/auth\/(?:signup|login|anonymous|upgrade|logout|jwt)(?:[?#]|$)/.test(path) ? 'POST' : 'GET';

/**
 * Mostly the route's own method (so handlers run), else any; an OAuth callback carrying a pool
 * state mostly comes with the matching state cookie (so it gets past the state check to Appwrite).
 */
export const requestArbitrary: fc.Arbitrary<RequestSpec> = fc
  .record({
    path: pathArbitrary,
    method: sometimes(0.3, methodArbitrary),
    headers: headersArbitrary,
    body: bodyArbitrary,
    bindState: sometimes(0.8, fc.constant(true)),
  })
  .map(({ path, method, headers, body, bindState }) => {
    const state = /[?&]state=(«state:\d+»)/.exec(path)?.[1];
    const bound: HeaderEntry[] = state && bindState ? [['Cookie', `__Host-${COOKIE}_oauth=${state}`]] : [];
    return { method: method ?? naturalMethod(path), path, headers: [...headers, ...bound], body };
  })
  // CONNECT, TRACE and TRACK the Fetch API refuses. Names of Object.prototype members (toString,
  // __proto__ …) are generated: createApp answers them 404 before Hono's router (which they crash).
  .filter(({ method }) => !/^(?:connect|trace|track)$/i.test(method));

const METHODS_WITHOUT_BODY = /^(?:GET|HEAD)$/i;

/** The `RequestInit` body for a spec (none for GET and HEAD, which the Fetch API refuses). */
export const bodyInit = (method: string, body: BodySpec | undefined): BodyInit | undefined => {
  if (!body || METHODS_WITHOUT_BODY.test(method)) return undefined;
  if (body.kind === 'text') return body.text;
  if (body.kind === 'bytes') return new Uint8Array(body.bytes);
  const form = new FormData();
  for (const [name, value] of body.fields) form.append(name, value);
  if (body.file) form.append('email', new Blob(['user-a@example.com'], { type: 'text/plain' }), 'f.txt');
  return form;
};

/** The URL and `RequestInit` that `app.request` gets for a spec, credentials filled in. */
export const toRequest = (spec: RequestSpec, pool: CredentialPool): { url: string; init: RequestInit } => {
  const headers = new Headers();
  for (const [name, value] of spec.headers) headers.append(name, resolve(value, pool));
  return {
    url: `${BASE}${resolve(spec.path, pool)}`,
    init: { method: spec.method, headers, body: bodyInit(spec.method, spec.body) },
  };
};

// ---------------------------------------------------------------------------------------------
// Upstream recording

export interface UpstreamCall {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** Wraps a transport to record every request it sends upstream (URL, method, headers). */
export const recording = (inner: Transport, calls: UpstreamCall[]): Transport => {
  return (url, request) => {
    calls.push({ url, method: request.method, headers: { ...request.headers } });
    return inner(url, request);
  };
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * What every upstream request must hold: no control character in any header value (header
 * injection through the forwarded user agent, above all), the forwarded user agent bounded, the API
 * key never together with a user credential, and only the configured key or endpoint.
 */
export const checkUpstreamCall = (call: UpstreamCall, endpoint: string, apiKey: string): string[] => {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(call.headers)) {
    if (CONTROL.test(name) || CONTROL.test(value)) {
      problems.push(
        `upstream header ${JSON.stringify(name)} has a control character: ${JSON.stringify(value)}`,
      );
    }
  }
  const header = (name: string) =>
    Object.entries(call.headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
  const forwarded = header('x-forwarded-user-agent');
  if (forwarded.length > 512) problems.push(`X-Forwarded-User-Agent of ${forwarded.length} characters`);
  if (forwarded !== forwarded.trim()) problems.push('X-Forwarded-User-Agent not trimmed');
  const key = header('x-appwrite-key');
  if (key && key !== apiKey) problems.push('an X-Appwrite-Key that is not the configured key');
  if (key && (header('x-appwrite-session') || header('x-appwrite-jwt'))) {
    problems.push('the API key sent together with a user credential');
  }
  if (!call.url.startsWith(`${endpoint}/`)) problems.push(`a request outside the endpoint: ${call.url}`);
  if (/\/\.\.?(?:\/|$|\?)/.test(new URL(call.url).pathname))
    problems.push(`dot segments upstream: ${call.url}`);
  return problems;
};

// ---------------------------------------------------------------------------------------------
// Invariants of the answers

/** Every header name the worker may answer with (lower case). */
export const ALLOWED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-security-policy',
  'content-type',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'location',
  'origin-agent-cluster',
  'referrer-policy',
  'retry-after',
  'set-cookie',
  'strict-transport-security',
  'vary',
  'www-authenticate',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-xss-protection',
]);

/** RFC 6750 challenges: no credential, or a refused Bearer token. */
const BEARER_CHALLENGES = new Set([
  'Bearer realm="appwrite"',
  'Bearer realm="appwrite", error="invalid_token"',
]);

const ALLOWED_COOKIES = new Set([COOKIE, `__Host-${COOKIE}_oauth`, `${COOKIE}_email`]);
const PAGE_PATHS = new Set(['/', '/login', '/signup']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A fetched answer, read once. */
export interface Answer {
  status: number;
  headers: [string, string][];
  setCookies: string[];
  body: string;
}

export const readAnswer = async (response: Response): Promise<Answer> => ({
  status: response.status,
  headers: [...response.headers],
  setCookies: response.headers.getSetCookie(),
  body: await response.text(),
});

/** The path Hono routes on: the URL's path, percent-decoded where that is valid. */
const routedPath = (url: string): string => {
  const { pathname } = new URL(url);
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
};

/**
 * Checks one answer against the invariants; returns what is wrong (empty when all hold).
 * `redirectOrigins` are the absolute origins a Location may name (the app's, allow-listed ones, and
 * Appwrite's for an OAuth start).
 */
export const checkAnswer = (
  request: { method: string; url: string },
  answer: Answer,
  redirectOrigins: ReadonlySet<string>,
): string[] => {
  const problems: string[] = [];
  const { status, body } = answer;
  const get = (name: string) => answer.headers.find(([key]) => key === name)?.[1] ?? null;
  if (status >= 500) problems.push(`status ${status}`);
  if (/\n\s+at\s/.test(body) || /node_modules|file:\/\/|\.tsx?:\d+|\/work\//.test(body)) {
    problems.push('a stack trace or a source path in the body');
  }
  for (const [name, value] of answer.headers) {
    if (!ALLOWED_RESPONSE_HEADERS.has(name)) problems.push(`unexpected response header ${name}`);
    if (name === 'www-authenticate' && (status !== 401 || !BEARER_CHALLENGES.has(value))) {
      problems.push(`unexpected WWW-Authenticate ${JSON.stringify(value)} on ${status}`);
    }
    if (CONTROL.test(value) && name !== 'set-cookie') problems.push(`control character in ${name}`);
  }
  for (const line of answer.setCookies) {
    if (CONTROL.test(line)) problems.push('control character in Set-Cookie');
    const name = line.slice(0, line.indexOf('='));
    if (!ALLOWED_COOKIES.has(name)) problems.push(`unexpected cookie ${JSON.stringify(name)}`);
    if (!/;\s*HttpOnly/i.test(line) || !/;\s*Secure/i.test(line))
      problems.push(`cookie ${name} not HttpOnly+Secure`);
  }
  const type = get('content-type') ?? '';
  const isHead = request.method.toUpperCase() === 'HEAD';
  const path = routedPath(request.url);

  if (REDIRECTS.has(status)) {
    const location = get('location');
    if (!location) problems.push(`redirect ${status} without Location`);
    else {
      if (/[\s\\]/.test(location))
        problems.push(`Location with blanks or backslash: ${JSON.stringify(location)}`);
      if (location.startsWith('/')) {
        if (location.startsWith('//')) problems.push(`protocol-relative Location ${location}`);
      } else if (!URL.canParse(location) || !redirectOrigins.has(new URL(location).origin)) {
        problems.push(`Location to a foreign origin: ${location}`);
      } else if (new URL(location).username || new URL(location).password) {
        problems.push(`Location with credentials: ${location}`);
      }
    }
  } else if (get('location') !== null) problems.push(`Location on a ${status}`);

  if (type.startsWith('text/html')) {
    // The pages have no script at all: any `<script` is reflected input.
    if (/<script/i.test(body)) problems.push('a <script> in a page');
    const isJwtPage = path === '/auth/jwt' && request.method.toUpperCase() === 'POST';
    if (!PAGE_PATHS.has(path) && !isJwtPage) problems.push(`HTML on ${path}`);
  }
  if (isHead) {
    if (body !== '') problems.push('a body on HEAD');
    return problems;
  }
  if (status >= 400) {
    if (!type.startsWith('application/json')) {
      if (!(type.startsWith('text/html') && PAGE_PATHS.has(path)))
        problems.push(`error ${status} as ${type}`);
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        problems.push(`error ${status} is not JSON: ${body.slice(0, 100)}`);
      }
      const shape = parsed as { message?: unknown; code?: unknown; type?: unknown } | undefined;
      if (
        !shape ||
        typeof shape.message !== 'string' ||
        shape.code !== status ||
        typeof shape.type !== 'string' ||
        !/^[a-z0-9_]+$/.test(shape.type) ||
        Object.keys(shape).sort().join() !== 'code,message,type'
      ) {
        problems.push(`error ${status} not Appwrite-shaped: ${body.slice(0, 200)}`);
      }
    }
  } else if (type.startsWith('application/json')) {
    try {
      JSON.parse(body);
    } catch {
      problems.push(`${status} JSON that does not parse`);
    }
  }
  if (status === 429) {
    const retryAfter = get('retry-after') ?? '';
    if (!/^[1-9]\d*$/.test(retryAfter)) problems.push(`429 with Retry-After ${JSON.stringify(retryAfter)}`);
  }
  return problems;
};

/**
 * What lets a log line forge or break another: CR, LF and the other C0 controls, and the Unicode
 * line and paragraph separators. (C1 controls such as NEL, U+0085, are a separate, known finding:
 * see the `it.fails` in test/worker/fuzz.test.ts.)
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const LOG_BREAKS = /[\u0000-\u001f\u2028\u2029]/;
