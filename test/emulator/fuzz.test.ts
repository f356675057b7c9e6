// Route fuzzing: every route the emulator registers, called with hostile bodies and query strings by
// an API key, a signed-in user and a guest, must answer below 500, in Appwrite's error shape, without
// a stack trace or an echoed credential, and must leave Object.prototype untouched. Routes are read
// from the Hono app itself, so routes added later are fuzzed without touching this file. Inputs are
// fixed lists plus a seeded pseudo-random sample: every run sends the same requests.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEmulatorApp, createEmulatorContext, type EmulatorContext } from 'appwrite-emulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';
import { hasSpec, SPEC_PATH } from './openapi-models.ts';

const ORIGIN = 'http://127.0.0.1';
const HOST = { host: '127.0.0.1' };
const KEY_HEADERS = { ...HOST, 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY };
const GUEST_HEADERS = { ...HOST, 'x-appwrite-project': PROJECT };

/** Mulberry32: a small seeded generator, so the sample is the same on every run. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const HUGE = 'x'.repeat(100_000);
const nested = (operator: 'and' | 'or', depth: number): unknown =>
  depth === 0
    ? { method: 'equal', attribute: 'name', values: ['Kevin'] }
    : { method: operator, values: [nested(operator === 'and' ? 'or' : 'and', depth - 1)] };

/** Query strings a `queries` parameter may carry: malformed, unknown, abusive. */
const HOSTILE_QUERIES: string[] = [
  '{',
  '',
  'null',
  '[]',
  '"equal"',
  '{"method":"equal"}',
  '{"method":"evil","attribute":"name","values":["x"]}',
  '{"method":"equal","attribute":"name","values":"Kevin"}',
  '{"method":"equal","attribute":{"a":1},"values":[{"b":2}]}',
  '{"method":"equal","attribute":"__proto__","values":["x"]}',
  '{"method":"limit","values":[-1]}',
  '{"method":"limit","values":["ten"]}',
  '{"method":"offset","values":[1e308]}',
  '{"method":"cursorAfter","values":[null]}',
  '{"method":"orderAsc","attribute":"$nope"}',
  '{"method":"select","values":[["x"]]}',
  '{"method":"between","attribute":"name","values":[1]}',
  '{"method":"search","attribute":"name","values":[]}',
  '{"method":"contains","attribute":"$id","values":[{"x":1}]}',
  '{"method":"isNull","attribute":1}',
  '{"__proto__":{"polluted":"yes"},"method":"equal","attribute":"name","values":["a"]}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"method":"equal","attribute":"name","values":["a"]}',
  '{"method":"orderAsc","attribute":"__proto__"}',
  '{"method":"orderDesc","attribute":"constructor"}',
  '{"method":"isNull","attribute":"toString"}',
  '{"method":"equal","attribute":"hasOwnProperty","values":[1]}',
  '{"method":"select","values":["*","__proto__","$id"]}',
  '{"method":"cursorAfter","values":["does-not-exist"]}',
  '{"method":"cursorBefore","values":["__proto__"]}',
  '{"method":"greaterThan","attribute":"$createdAt","values":["not a date"]}',
  '{"method":"equal","attribute":"birthday","values":[{"$gt":1}]}',
  '{"method":"startsWith","attribute":"name","values":[1]}',
  JSON.stringify(nested('and', 60)),
  JSON.stringify(nested('or', 3)),
  JSON.stringify({ method: 'and', values: [] }),
  JSON.stringify({ method: 'or', values: ['not an object'] }),
  `{"method":"equal","attribute":"name","values":["${HUGE}"]}`,
];

/** Values of the wrong type, size or shape, tried for every parameter name. */
const HOSTILE_VALUES: unknown[] = [
  0,
  -1,
  1.5,
  1e308,
  -9_007_199_254_740_992,
  true,
  false,
  null,
  [],
  [1, 2],
  ['a', null],
  [[['deep']]],
  {},
  { a: { b: { c: 1 } } },
  JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
  '',
  ' ',
  'unique()',
  'not-an-array',
  '[',
  'true',
  '-5',
  HUGE,
  '💥\u0000\u202e\ud800 ünïcödé',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  'http://',
  'javascript:alert(1)',
  ['{'],
  HOSTILE_QUERIES,
  [HUGE],
  ['read("nope")', 'write', 'read("user:user-a"', 'delete("team:x/y/z")', 'read("any")'],
  'read("any")',
  ['create("users")', 'update("label:")', 'read("member:")'],
  { name: 1, birthday: 'not a date', $id: {}, $permissions: 'x', $createdAt: 5, unknown: [1] },
  JSON.parse(
    '{"name":"a","birthday":"2000-01-01","__proto__":{"x":1},"constructor":{"prototype":{"polluted":"yes"}}}',
  ),
  [{ name: 'a' }, null, 'row', { $id: '__proto__', name: 'b', birthday: '2000-01-01' }],
  Array.from({ length: 500 }, (_, index) => `item${index}`),
];

/** Plausible valid values, so that a hostile value in one parameter reaches its own validator. */
const VALID: Record<string, unknown> = {
  userId: 'unique()',
  teamId: 'unique()',
  databaseId: 'unique()',
  tableId: 'unique()',
  rowId: 'unique()',
  email: 'fuzz@example.com',
  password: 'fuzz-password-123',
  oldPassword: 'password-a',
  name: 'Fuzz',
  phone: '+15550001111',
  url: 'http://localhost/fuzz',
  roles: ['member'],
  queries: [],
  prefs: { a: 1 },
  labels: ['fuzz'],
  data: { name: 'Fuzz', birthday: '2000-01-01' },
  rows: [{ name: 'Fuzz', birthday: '2000-01-01' }],
  permissions: [],
  key: 'fuzz_key',
  type: 'key',
  size: 16,
  required: false,
  columns: ['name'],
  elements: ['a', 'b'],
  secret: 'secret',
  status: true,
  enabled: true,
  rowSecurity: false,
  search: 'a',
  total: true,
  advance: 1,
  success: 'http://localhost/ok',
  failure: 'http://localhost/fail',
};

const ROUTE_SOURCES = fileURLToPath(new URL('../../packages/appwrite-emulator/src/', import.meta.url));

/** Every parameter name the emulator's sources read, plus fixed ones (routes added later included). */
const paramNames = (): string[] => {
  const names = new Set([
    ...Object.keys(VALID),
    'hash',
    'passwordSalt',
    'duration',
    'expire',
    'factors',
    'default',
    'xdefault',
    'encrypt',
    'format',
    'twoWay',
    'relatedTableId',
    'onDelete',
    'transactionId',
    'code',
    'otp',
    'provider',
    'scopes',
    'token',
    'newKey',
    'array',
    'min',
    'max',
    'orders',
    'lengths',
  ]);
  const patterns = [
    /\b([a-zA-Z]\w*): \{ schema:/g,
    /params\.([a-zA-Z]\w*)/g,
    /params\[['"]([a-zA-Z]\w*)['"]\]/g,
    /arrayParam\(c, \w+, '([a-zA-Z]\w*)'\)/g,
  ];
  const files = readdirSync(ROUTE_SOURCES, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  for (const file of files) {
    const source = readFileSync(`${ROUTE_SOURCES}${file}`, 'utf8');
    for (const pattern of patterns) for (const match of source.matchAll(pattern)) names.add(match[1] ?? '');
  }
  names.delete('');
  return [...names].sort();
};

interface SpecOperation {
  parameters?: { name: string; in: string; schema?: { type?: string; 'x-example'?: unknown } }[];
  requestBody?: {
    content?: Record<
      string,
      { schema?: { properties?: Record<string, { type?: string; 'x-example'?: unknown }> } }
    >;
  };
}

/** A value of the spec's type for a parameter `VALID` does not know. */
const plausible = (type: string | undefined, example: unknown): unknown => {
  if (
    example !== undefined &&
    example !== null &&
    !(typeof example === 'string' && example.startsWith('<'))
  ) {
    return example;
  }
  return { integer: 1, number: 1.5, boolean: false, array: [], object: {} }[type ?? ''] ?? 'fuzz';
};

/**
 * The query and body parameters Appwrite's OpenAPI spec lists for a route, each with a plausible
 * valid value; `undefined` for a route the spec lacks (the control API) or when the spec is absent.
 */
const specParameters = (): ((method: string, path: string) => Record<string, unknown> | undefined) => {
  if (!hasSpec) return () => undefined;
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as {
    paths: Record<string, Record<string, SpecOperation>>;
  };
  return (method, path) => {
    const operation =
      spec.paths[path.replace(/^\/v1/, '').replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    if (!operation) return undefined;
    const params: Record<string, unknown> = {};
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'path') continue;
      params[parameter.name] =
        VALID[parameter.name] ?? plausible(parameter.schema?.type, parameter.schema?.['x-example']);
    }
    for (const content of Object.values(operation.requestBody?.content ?? {})) {
      for (const [name, property] of Object.entries(content.schema?.properties ?? {})) {
        params[name] = VALID[name] ?? plausible(property.type, property['x-example']);
      }
    }
    return params;
  };
};

interface Fixtures {
  sessionSecret: string;
  sessionId: string;
  teamId: string;
  membershipId: string;
  mailId: string;
}

type Caller = 'key' | 'user' | 'guest';

/** How many requests of each kind one pass (route, caller, path) sends. */
interface Budget {
  uniform: number;
  queries: number;
  sampled: number;
  raw: number;
}
const FULL: Budget = {
  uniform: Number.POSITIVE_INFINITY,
  queries: Number.POSITIVE_INFINITY,
  sampled: 16,
  raw: Number.POSITIVE_INFINITY,
};
const LIGHT: Budget = { uniform: 6, queries: 2, sampled: 4, raw: 4 };

/**
 * 5xx errors Appwrite itself answers on purpose, for a service the project has not configured
 * (`general_phone_disabled`: no SMS provider): they are Appwrite's behaviour, not crashes.
 */
const INTENDED_5XX = ['general_phone_disabled'];

/** Whether a 4xx answer is Appwrite's JSON error `{message, code, type, version}` (or a documented exception). */
const isAppwriteError = (status: number, label: string, text: string, response: Response): boolean => {
  // OAuth2 browser routes render HTML error pages, like Appwrite's `error`-labelled routes.
  if (response.headers.get('content-type')?.startsWith('text/html'))
    return /<h1>Error \d{3}<\/h1>/.test(text);
  // The outbox mimics maildev's REST API, whose 404 is `{error}`.
  if (label.includes(' /_emulator/maildev/') && /^\{"error":"[^"]+"\}$/.test(text)) return true;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  return (
    typeof body.message === 'string' &&
    Number.isInteger(body.code) &&
    body.code === status &&
    typeof body.type === 'string' &&
    typeof body.version === 'string'
  );
};

describe('route fuzzing', () => {
  let emulator: EmulatorContext;
  let app: ReturnType<typeof createEmulatorApp>;
  let fixtures: Fixtures;
  let sent = 0;
  let routeCount = 0;
  const fuzzedPasses = new Set<string>();
  // The pass being fuzzed (`caller METHOD /route/:template`), which groups the failures.
  let pass = '';
  // Broken answers by invariant: one entry per pass, status and error, with the first request that got it.
  const failures = {
    status: new Map<string, string>(),
    shape: new Map<string, string>(),
    leak: new Map<string, string>(),
  };
  const record = (found: Map<string, string>, status: number, label: string, text: string) => {
    const type = /"type":"([^"]+)"/.exec(text)?.[1] ?? text.slice(0, 60);
    const key = `${status} ${pass} ${type}`;
    if (!found.has(key)) found.set(key, `${label.slice(0, 400)} → ${text.slice(0, 300)}`);
  };
  const report = (found: Map<string, string>) => [...found].map(([key, example]) => `${key}\n    ${example}`);

  /** Sends one request and checks its answer at once (answers are not kept: some are large). */
  const send = async (label: string, url: string, init: RequestInit): Promise<void> => {
    const response = await app.request(`${ORIGIN}${url}`, init);
    sent++;
    const text = await response.text();
    const { status } = response;
    if (status >= 500 && !INTENDED_5XX.some((type) => text.includes(`"type":"${type}"`))) {
      record(failures.status, status, label, text);
    }
    if (/\n\s+at /.test(text) || text.includes(API_KEY) || /password-[abc]\b/.test(text)) {
      record(failures.leak, status, label, text);
    }
    if (status >= 400 && status < 500 && !isAppwriteError(status, label, text, response)) {
      record(failures.shape, status, label, text);
    }
  };

  const json = async (url: string, method: string, body: unknown, headers: Record<string, string>) => {
    const response = await app.request(`${ORIGIN}${url}`, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const parsed = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300)
      throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };

  /** Restores the seed and creates what the path parameters point at. */
  const setUp = async (): Promise<Fixtures> => {
    await emulator.reset();
    const session = await json(
      '/v1/account/sessions/email',
      'POST',
      { email: 'user-a@example.com', password: 'password-a' },
      KEY_HEADERS,
    );
    const team = await json('/v1/teams', 'POST', { teamId: 'fuzz-team', name: 'Fuzz' }, KEY_HEADERS);
    const membership = await json(
      `/v1/teams/${team.$id}/memberships`,
      'POST',
      { userId: 'user-b', roles: ['member'] },
      KEY_HEADERS,
    );
    await json(
      `/v1/tablesdb/${DATABASE}/tables/${BIRTHDAYS}/indexes`,
      'POST',
      { key: 'fuzz_index', type: 'key', columns: ['name'] },
      KEY_HEADERS,
    );
    await json(
      '/v1/account/recovery',
      'POST',
      { email: 'user-c@example.com', url: 'http://localhost/r' },
      KEY_HEADERS,
    );
    const mails = (await (
      await app.request(`${ORIGIN}/_emulator/maildev/email`, { headers: HOST })
    ).json()) as { id: string }[];
    return {
      sessionSecret: String(session.secret),
      sessionId: String(session.$id),
      teamId: String(team.$id),
      membershipId: String(membership.$id),
      mailId: mails[0]?.id ?? 'missing',
    };
  };

  const existing = (name: string): string => {
    const values: Record<string, string> = {
      userId: 'user-a',
      databaseId: DATABASE,
      tableId: BIRTHDAYS,
      rowId: 'ac5fc866ad1e',
      teamId: fixtures.teamId,
      membershipId: fixtures.membershipId,
      sessionId: fixtures.sessionId,
      key: 'name',
      provider: 'github',
      projectId: PROJECT,
      id: fixtures.mailId,
    };
    return values[name] ?? 'current';
  };

  const JUNK_IDS = [
    'nope',
    '__proto__',
    'constructor',
    encodeURIComponent('💥 ü'),
    'a'.repeat(300),
    '%',
    '..',
  ];

  const fillPath = (path: string, pick: (name: string) => string): string =>
    path.replace(/:(\w+)/g, (_, name: string) => pick(name));

  const headersFor = (caller: Caller): Record<string, string> => {
    if (caller === 'key') return { ...KEY_HEADERS };
    if (caller === 'user') return { ...GUEST_HEADERS, 'x-appwrite-session': fixtures.sessionSecret };
    return { ...GUEST_HEADERS };
  };

  /** A query string from parameters: arrays as `name[]=…`, objects as JSON, like the SDKs send. */
  const toQuery = (params: Record<string, unknown>): string => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (Array.isArray(value)) {
        for (const item of value)
          search.append(`${name}[]`, typeof item === 'string' ? item : JSON.stringify(item));
      } else if (typeof value === 'object' && value !== null) {
        search.append(name, JSON.stringify(value));
      } else {
        search.append(name, String(value));
      }
    }
    return search.toString();
  };

  /** Query strings that no SDK sends: bad array syntax, prototype keys, an unknown project. */
  const RAW_QUERIES = [
    'queries=not-an-array',
    'queries[]=%7B&queries[0]=x&queries[__proto__]=y',
    '__proto__[polluted]=yes&constructor[prototype][polluted]=yes',
    `search=${HUGE}&total=maybe`,
    'project=nope',
    'queries[]=%7B%22method%22%3A%22limit%22%2C%22values%22%3A%5B1e400%5D%7D',
  ];

  /** Raw bodies that are not a JSON object of parameters, or not JSON at all. */
  const RAW_BODIES: { contentType?: string; body: string }[] = [
    { body: '' },
    { contentType: 'application/json', body: '' },
    { contentType: 'application/json', body: '{"email":' },
    { contentType: 'application/json', body: 'not json at all' },
    { contentType: 'application/json', body: 'null' },
    { contentType: 'application/json', body: '[]' },
    { contentType: 'application/json', body: '[1,2]' },
    { contentType: 'application/json', body: '"string"' },
    { contentType: 'application/json', body: '12' },
    {
      contentType: 'application/json',
      body: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    },
    {
      contentType: 'application/json',
      body: '{"size":1e400,"limit":-1e400,"total":12345678901234567890123}',
    },
    { contentType: 'application/json; charset=utf-8', body: '\ufeff{"name":"bom"}' },
    {
      contentType: 'application/x-www-form-urlencoded',
      body: 'email=x&password=&queries[]=%7B&roles[]=a&data=%7B',
    },
    {
      contentType: 'application/x-www-form-urlencoded',
      body: '__proto__[polluted]=yes&constructor[prototype][polluted]=yes',
    },
    { contentType: 'application/x-www-form-urlencoded', body: '%%%&&&===' },
    {
      contentType: 'multipart/form-data; boundary=x',
      body: '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nx\r\n--x--',
    },
    { contentType: 'multipart/form-data', body: 'no boundary' },
    { contentType: 'text/plain', body: '{"name":"text"}' },
  ];

  /**
   * Parameter sets for one pass: every name set to one hostile value (huge ones excepted: they go to
   * one name at a time), each hostile `queries` alone, then a sample of one or two hostile values over
   * valid ones, so that a value reaches its own validator.
   */
  const parameterSets = (
    names: string[],
    random: () => number,
    budget: Budget,
  ): Record<string, unknown>[] => {
    const pick = <T>(list: readonly T[], count: number): T[] =>
      count >= list.length
        ? [...list]
        : Array.from({ length: count }, () => list[Math.floor(random() * list.length)] as T);
    const uniform = HOSTILE_VALUES.filter((value) => JSON.stringify(value).length < 1000);
    const sets: Record<string, unknown>[] = pick(uniform, budget.uniform).map((value) =>
      Object.fromEntries(names.map((name) => [name, value])),
    );
    sets.push(...pick(HOSTILE_QUERIES, budget.queries).map((query) => ({ ...VALID, queries: [query] })));
    for (let index = 0; index < budget.sampled; index++) {
      const params: Record<string, unknown> = { ...VALID };
      const count = 1 + Math.floor(random() * 2);
      for (let n = 0; n < count; n++) {
        const name = names[Math.floor(random() * names.length)] ?? 'name';
        params[name] = HOSTILE_VALUES[Math.floor(random() * HOSTILE_VALUES.length)];
      }
      sets.push(params);
    }
    return sets;
  };

  /** The route's own valid parameters, then each of them in turn replaced by hostile values. */
  const targetedSets = (
    base: Record<string, unknown>,
    random: () => number,
    perParam: number,
  ): Record<string, unknown>[] => {
    const sets: Record<string, unknown>[] = [base];
    for (const name of Object.keys(base)) {
      for (let index = 0; index < perParam; index++) {
        sets.push({ ...base, [name]: HOSTILE_VALUES[Math.floor(random() * HOSTILE_VALUES.length)] });
      }
      sets.push(Object.fromEntries(Object.entries(base).filter(([other]) => other !== name)));
    }
    return sets;
  };
  const routeParams = specParameters();

  beforeAll(async () => {
    emulator = await createEmulatorContext({ rateLimits: false });
    app = createEmulatorApp(emulator);
    const names = paramNames();
    const random = seeded(0x5eed);
    const routes = [
      ...new Map(
        app.routes
          .filter(
            (route) => route.method !== 'ALL' && route.method !== 'OPTIONS' && !route.path.includes('*'),
          )
          .map((route) => [`${route.method} ${route.path}`, route]),
      ).values(),
    ];
    routeCount = routes.length;
    for (const route of routes) {
      // A fuzzed POST /_emulator/clock moves time: every route starts on the wall clock again, from
      // the seed. The API key, which can delete or reset what the others use, goes last.
      emulator.clock.set(Date.now());
      fixtures = await setUp();
      for (const caller of ['guest', 'user', 'key'] as const) {
        const headers = headersFor(caller);
        pass = `${caller} ${route.method} ${route.path}`;
        fuzzedPasses.add(pass);
        const paths = [
          fillPath(route.path, existing),
          fillPath(route.path, () => JUNK_IDS[Math.floor(random() * JUNK_IDS.length)] ?? 'nope'),
        ];
        const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
        for (const [pathIndex, path] of paths.entries()) {
          // The API key on existing IDs reaches the deepest code: it gets the whole list.
          const base = routeParams(route.method, route.path);
          const budget = caller === 'key' && pathIndex === 0 ? FULL : LIGHT;
          // A route the spec describes gets targeted sets below: fewer blind samples (most of them
          // are valid requests, and creating users hashes passwords, which is slow).
          const sets = parameterSets(names, random, {
            ...budget,
            sampled: base ? 3 : budget.sampled,
            // Only list routes read `queries`; elsewhere two suffice to show it is ignored.
            queries: route.method === 'GET' ? budget.queries : 2,
          });
          // Each parameter of the route in turn: deeply for the API key, lightly for a signed-in user.
          if (base && pathIndex === 0 && caller !== 'guest') {
            sets.push(...targetedSets(base, random, caller === 'key' ? 6 : 3));
          }
          for (const params of sets) {
            const label = `${caller} ${route.method} ${path.slice(0, 120)} ${JSON.stringify(params).slice(0, 300)}`;
            if (hasBody) {
              await send(label, path, {
                method: route.method,
                headers: { ...headers, 'content-type': 'application/json' },
                body: JSON.stringify(params),
              });
            } else {
              await send(label, `${path}?${toQuery(params)}`, { method: route.method, headers });
            }
          }
          if (hasBody) {
            for (const raw of budget === FULL ? RAW_BODIES : RAW_BODIES.slice(0, budget.raw)) {
              await send(`${caller} ${route.method} ${path} raw ${raw.contentType} ${raw.body}`, path, {
                method: route.method,
                headers: raw.contentType ? { ...headers, 'content-type': raw.contentType } : headers,
                body: raw.body,
              });
            }
          }
          for (const query of RAW_QUERIES.slice(0, budget.raw)) {
            await send(`${caller} ${route.method} ${path}?${query.slice(0, 80)}`, `${path}?${query}`, {
              method: route.method,
              headers,
            });
          }
        }
      }
    }
  }, 120_000);

  it('fuzzed every route as every caller', () => {
    expect(routeCount).toBeGreaterThan(150);
    expect(fuzzedPasses.size).toBe(routeCount * 3);
    expect(fuzzedPasses).toContain('key PATCH /v1/tablesdb/:databaseId/tables/:tableId/rows/:rowId');
    expect(fuzzedPasses).toContain('guest PATCH /_emulator/projects/:projectId/auth');
    expect(sent).toBeGreaterThan(20_000);
  });

  it('answers every request below 500', () => {
    expect(report(failures.status)).toEqual([]);
  });

  it('answers every 4xx in Appwrite’s error shape', () => {
    expect(report(failures.shape)).toEqual([]);
  });

  it('never leaks a stack trace or a credential', () => {
    expect(report(failures.leak)).toEqual([]);
  });

  it('leaves Object.prototype unpolluted', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// Inputs the fuzzer found answered wrongly, pinned with the answer Appwrite gives.
describe('inputs found by fuzzing', () => {
  let app: ReturnType<typeof createEmulatorApp>;
  beforeAll(async () => {
    app = createEmulatorApp(await createEmulatorContext({ rateLimits: false }));
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await app.request(`${ORIGIN}${path}`, {
      ...init,
      headers: { ...KEY_HEADERS, ...(init.headers as Record<string, string>) },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const withQuery = (path: string, query: object) =>
    `${path}?queries[]=${encodeURIComponent(JSON.stringify(query))}`;
  const notInSchema = (attribute: string) => ({
    status: 400,
    body: {
      message: `Invalid \`queries\` param: Invalid query: Attribute not found in schema: ${attribute}`,
      code: 400,
      type: 'general_argument_invalid',
      version: '1.9.6',
    },
  });

  // PHP's isset() on the schema finds no `__proto__` or `constructor` attribute.
  it.each(['/v1/teams', '/v1/users', '/v1/users/user-a/targets'])(
    '%s: a query on a prototype key is an unknown attribute',
    async (path) => {
      for (const attribute of ['__proto__', 'constructor', 'toString']) {
        expect(await call(withQuery(path, { method: 'equal', attribute, values: ['x'] }))).toEqual(
          notInSchema(attribute),
        );
        expect(await call(withQuery(path, { method: 'orderAsc', attribute }))).toEqual(
          notInSchema(attribute),
        );
      }
    },
  );

  it('a multipart body that cannot be parsed carries no parameters', async () => {
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
      const answer = await call('/v1/account/sessions/email', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: 'not multipart',
      });
      expect(answer).toMatchObject({ status: 400, body: { message: 'Param "email" is not optional.' } });
    }
  });

  it('a `__proto__` key in a JSON body is not a source of parameters', async () => {
    const answer = await call('/v1/account/sessions/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"email":"user-a@example.com","password":"password-a"}}',
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { message: 'Param "email" is not optional.', type: 'general_argument_invalid' },
    });
  });

  it('the control API refuses an inherited key as an auth setting', async () => {
    const answer = await call(`/_emulator/projects/${PROJECT}/auth`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"constructor":1}',
    });
    expect(answer).toMatchObject({ status: 400, body: { type: 'general_argument_invalid' } });
    expect(answer.body.message).toMatch(/^Unknown auth setting "constructor"/);
  });
});
