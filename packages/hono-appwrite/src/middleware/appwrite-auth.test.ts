import { inspect } from 'node:util';
import { Hono } from 'hono';
import type { Client } from 'node-appwrite';
import { Account } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import type { Transport } from '../appwrite/transport.ts';
import { AppwriteHttpError } from '../errors.ts';
import type { AppwriteAuthOptions } from '../settings.ts';
import { type AppwriteAuthEnv, appwriteAuth, credentialOf, getAuth } from './appwrite-auth.ts';

// Port 9 (discard) on loopback: nothing in these tests may reach it, and nothing listens there anyway.
const ENDPOINT = 'http://127.0.0.1:9/v1';
const URL_ = 'http://app.test/x';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const SECRET = Buffer.from('{"id":"session-id-1","secret":"0123456789abcdef"}').toString('base64');

/** The JSON body an AppwriteHttpError becomes; other errors become 500 `unexpected` with their message. */
const onError = (err: Error) =>
  err instanceof AppwriteHttpError
    ? Response.json(err.toBody(), { status: err.status })
    : Response.json({ message: err.message, code: 500, type: 'unexpected' }, { status: 500 });

/** An app with appwriteAuth in front of a handler that reports the auth kind and counts its calls. */
const setup = (options: Partial<AppwriteAuthOptions> = {}) => {
  let hits = 0;
  const app = new Hono<AppwriteAuthEnv>();
  app.onError(onError);
  app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', optional: true, ...options }));
  app.get('/x', (c) => {
    hits += 1;
    return c.json({ kind: getAuth(c).kind });
  });
  return { app, hits: () => hits };
};

const ERROR_MESSAGES: Record<string, string> = {
  user_unauthorized: 'Sign in first: send `Authorization: Bearer <jwt>` or the session cookie.',
  user_jwt_invalid: 'The Authorization header must be `Bearer <jwt>` with a well-formed JWT.',
  user_session_invalid: 'The session cookie is malformed. Sign in again.',
};

type Expected = { kind: 'jwt' | 'session' | 'guest' } | { status: 401; type: keyof typeof ERROR_MESSAGES };

const cases: Array<[string, boolean, Record<string, string>, Expected]> = [
  ['no credential, required', true, {}, { status: 401, type: 'user_unauthorized' }],
  ['no credential, optional', false, {}, { kind: 'guest' }],
  [
    'an unrelated cookie only, required',
    true,
    { Cookie: 'theme=dark' },
    { status: 401, type: 'user_unauthorized' },
  ],
  ['an unrelated cookie only, optional', false, { Cookie: 'theme=dark' }, { kind: 'guest' }],
  ['a Bearer JWT', true, { Authorization: `Bearer ${JWT}` }, { kind: 'jwt' }],
  ['a minimal Bearer a.b.c', true, { Authorization: 'Bearer a.b.c' }, { kind: 'jwt' }],
  ['a lowercase bearer scheme', true, { Authorization: `bearer ${JWT}` }, { kind: 'jwt' }],
  ['an upper-case BEARER scheme', true, { Authorization: `BEARER ${JWT}` }, { kind: 'jwt' }],
  ['a Bearer JWT with an empty signature', false, { Authorization: 'Bearer a.b.' }, { kind: 'jwt' }],
  [
    'Basic credentials',
    false,
    { Authorization: 'Basic dXNlcjpwdw==' },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  [
    'Basic credentials, required',
    true,
    { Authorization: 'Basic xxx' },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  ['an empty Bearer', false, { Authorization: 'Bearer' }, { status: 401, type: 'user_jwt_invalid' }],
  ['an empty Authorization header', false, { Authorization: '' }, { status: 401, type: 'user_jwt_invalid' }],
  [
    'a Bearer that is not a JWT',
    false,
    { Authorization: 'Bearer not-a-jwt' },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  [
    'a Bearer with two segments',
    false,
    { Authorization: 'Bearer a.b' },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  [
    'a Bearer with four segments',
    false,
    { Authorization: 'Bearer a.b.c.d' },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  [
    'a Bearer with base64 padding',
    false,
    { Authorization: 'Bearer a=.b.c' },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  [
    'a Bearer longer than 8 KiB',
    false,
    { Authorization: `Bearer a.${'b'.repeat(8192)}.c` },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  [
    'two Bearer tokens',
    false,
    { Authorization: `Bearer ${JWT}, Bearer ${JWT}` },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  ['a Bearer with two spaces before the token', true, { Authorization: `Bearer  ${JWT}` }, { kind: 'jwt' }],
  ['a Bearer with trailing spaces', true, { Authorization: `Bearer ${JWT}  ` }, { kind: 'jwt' }],
  [
    'an Authorization header of exactly 8 KiB',
    true,
    { Authorization: `Bearer a.${'b'.repeat(8192 - 11)}.c` },
    { kind: 'jwt' },
  ],
  [
    'an Authorization header of 8 KiB and one character',
    true,
    { Authorization: `Bearer a.${'b'.repeat(8192 - 10)}.c` },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  ['a valid session cookie', true, { Cookie: `a_session_demo=${SECRET}` }, { kind: 'session' }],
  [
    'a valid session cookie among others',
    true,
    { Cookie: `theme=dark; a_session_demo=${SECRET}; x=1` },
    { kind: 'session' },
  ],
  [
    'a session cookie with a space',
    false,
    { Cookie: 'a_session_demo=abcdefgh ijklmnopqrstuv' },
    { status: 401, type: 'user_session_invalid' },
  ],
  [
    'a session cookie with %00',
    false,
    { Cookie: 'a_session_demo=abcdefghijklmnop%00qrstuv' },
    { status: 401, type: 'user_session_invalid' },
  ],
  [
    'a session cookie too short',
    false,
    { Cookie: 'a_session_demo=abc' },
    { status: 401, type: 'user_session_invalid' },
  ],
  [
    'an empty session cookie',
    false,
    { Cookie: 'a_session_demo=' },
    { status: 401, type: 'user_session_invalid' },
  ],
  [
    'a malformed session cookie, required',
    true,
    { Cookie: 'a_session_demo=abc' },
    { status: 401, type: 'user_session_invalid' },
  ],
  [
    'a Bearer JWT and a session cookie (Bearer first)',
    true,
    { Authorization: `Bearer ${JWT}`, Cookie: `a_session_demo=${SECRET}` },
    { kind: 'jwt' },
  ],
  [
    'a Bearer JWT and a malformed session cookie',
    true,
    { Authorization: `Bearer ${JWT}`, Cookie: 'a_session_demo=abc' },
    { kind: 'jwt' },
  ],
  [
    'a malformed Bearer and a valid session cookie (no fall-back)',
    false,
    { Authorization: 'Bearer not-a-jwt', Cookie: `a_session_demo=${SECRET}` },
    { status: 401, type: 'user_jwt_invalid' },
  ],
  ['a cookie named for another project', false, { Cookie: `a_session_other=${SECRET}` }, { kind: 'guest' }],
];

describe('appwriteAuth credentials', () => {
  it.each(cases)('with %s (required: %s)', async (_, required, headers, expected) => {
    const { app, hits } = setup({ optional: !required });
    const response = await app.request(URL_, { headers });
    if ('kind' in expected) {
      expect(response.status).toBe(200);
      expect(await response.json()).toStrictEqual({ kind: expected.kind });
      expect(hits()).toBe(1);
    } else {
      expect(response.status).toBe(401);
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
      expect(await response.json()).toStrictEqual({
        message: ERROR_MESSAGES[expected.type],
        code: 401,
        type: expected.type,
      });
      expect(hits()).toBe(0);
    }
  });

  // hono/cookie's getCookie drops values outside RFC 6265's cookie-octet set (`\\`, `"`, controls…) as
  // if the cookie were absent, so these present-but-malformed cookies must still not become a guest.
  it.each([
    ['a backslash', 'a_session_demo=abcdefghijklmnop\\qrstuv'],
    ['a double quote inside', 'a_session_demo=abcdefghij"klmnopqrstuv'],
  ])('answers 401 user_session_invalid to a session cookie with %s, never guest', async (_, cookie) => {
    const { app, hits } = setup({ optional: true });
    const response = await app.request(URL_, { headers: { Cookie: cookie } });
    expect(response.status).toBe(401);
    expect(await response.json()).toStrictEqual({
      message: ERROR_MESSAGES.user_session_invalid,
      code: 401,
      type: 'user_session_invalid',
    });
    expect(hits()).toBe(0);
  });

  it('reads the cookie named by the cookieName option, and only that one', async () => {
    const custom = setup({ cookieName: 'sid', optional: false });
    const withCustom = await custom.app.request(URL_, { headers: { Cookie: `sid=${SECRET}` } });
    expect(withCustom.status).toBe(200);
    expect(await withCustom.json()).toStrictEqual({ kind: 'session' });

    const other = setup({ cookieName: 'sid', optional: false });
    const withDefault = await other.app.request(URL_, { headers: { Cookie: `a_session_demo=${SECRET}` } });
    expect(withDefault.status).toBe(401);
    expect(((await withDefault.json()) as { type: string }).type).toBe('user_unauthorized');
    expect(other.hits()).toBe(0);

    const malformed = setup({ cookieName: 'sid' });
    const withMalformed = await malformed.app.request(URL_, { headers: { Cookie: 'sid=abc' } });
    expect(withMalformed.status).toBe(401);
    expect(((await withMalformed.json()) as { type: string }).type).toBe('user_session_invalid');
  });
});

describe('a session cookie sent more than once (cookie tossing)', () => {
  const OTHER = Buffer.from('{"id":"session-id-2","secret":"fedcba9876543210"}').toString('base64');

  /** Like `setup`, but errors are answered through the context, which keeps the cookies it set. */
  const throughContext = (options: Partial<AppwriteAuthOptions> = {}) => {
    let hits = 0;
    const app = new Hono<AppwriteAuthEnv>();
    app.onError((err, c) =>
      err instanceof AppwriteHttpError
        ? c.json(err.toBody(), err.status)
        : c.json({ type: 'unexpected' }, 500),
    );
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', optional: true, ...options }));
    app.get('/x', (c) => {
      hits += 1;
      return c.json({ kind: getAuth(c).kind });
    });
    return { app, hits: () => hits };
  };

  it.each([
    ['two valid ones', `a_session_demo=${OTHER}; a_session_demo=${SECRET}`],
    ['the same one twice', `a_session_demo=${SECRET}; a_session_demo=${SECRET}`],
    ['two among others', `theme=dark; a_session_demo=${SECRET}; x=1; a_session_demo=${OTHER}`],
    ['a valid one and a malformed one', `a_session_demo=${SECRET}; a_session_demo=abc`],
    ['one with blanks around its name', `a_session_demo=${SECRET};  a_session_demo =${OTHER}`],
  ])(
    'answers 401 user_session_invalid to %s, never as either user, and clears the cookie',
    async (_, cookie) => {
      for (const required of [true, false]) {
        const { app, hits } = throughContext({ optional: !required });
        const response = await app.request(URL_, { headers: { Cookie: cookie } });
        expect(response.status).toBe(401);
        expect(await response.json()).toStrictEqual({
          message: 'The session cookie was sent more than once, so neither is trusted. Sign in again.',
          code: 401,
          type: 'user_session_invalid',
        });
        expect(response.headers.getSetCookie()).toStrictEqual([
          'a_session_demo=; Max-Age=0; Path=/; HttpOnly; Secure',
        ]);
        expect(hits()).toBe(0);
      }
    },
  );

  it('clears a refused cookie on the domain it was set with', async () => {
    const { app } = throughContext({ cookieDomain: '.example.com' });
    const response = await app.request(URL_, { headers: { Cookie: `a_session_demo=x; a_session_demo=y` } });
    expect(response.headers.getSetCookie()).toStrictEqual([
      'a_session_demo=; Max-Age=0; Domain=.example.com; Path=/; HttpOnly; Secure',
    ]);
  });

  it('clears a malformed cookie too, but sets nothing for a valid one', async () => {
    const { app } = throughContext();
    const malformed = await app.request(URL_, { headers: { Cookie: 'a_session_demo=abc' } });
    expect(malformed.status).toBe(401);
    expect(malformed.headers.getSetCookie()).toStrictEqual([
      'a_session_demo=; Max-Age=0; Path=/; HttpOnly; Secure',
    ]);
    const valid = await app.request(URL_, { headers: { Cookie: `a_session_demo=${SECRET}` } });
    expect(valid.status).toBe(200);
    expect(valid.headers.getSetCookie()).toStrictEqual([]);
  });

  it('clears no cookie for a malformed Bearer header (only a refused session cookie is cleared)', async () => {
    const { app } = throughContext();
    const response = await app.request(URL_, {
      headers: { Authorization: 'Bearer nope', Cookie: `a_session_demo=${SECRET}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toStrictEqual([]);
  });

  it('refuses a session cookie whose first character is outside the secret alphabet', async () => {
    const { app } = throughContext();
    const response = await app.request(URL_, { headers: { Cookie: `a_session_demo=!${SECRET}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { type: string }).type).toBe('user_session_invalid');
  });

  it('refuses a malformed session cookie that is not alone in the header', async () => {
    const { app, hits } = throughContext({ optional: true });
    const response = await app.request(URL_, {
      headers: { Cookie: `theme=dark; a_session_demo=abcdefghij\\klmnopqrstuv; lang=en` },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { type: string }).type).toBe('user_session_invalid');
    expect(hits()).toBe(0);
  });

  it('uses a Bearer JWT and ignores the cookies (a header is not ambient; no cookie is cleared)', async () => {
    const { app } = throughContext();
    const response = await app.request(URL_, {
      headers: {
        Authorization: `Bearer ${JWT}`,
        Cookie: `a_session_demo=${SECRET}; a_session_demo=${OTHER}`,
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ kind: 'jwt' });
    expect(response.headers.getSetCookie()).toStrictEqual([]);
  });

  it('counts only the exact name: a_session_demo_oauth and a_session_demo_email are other cookies', async () => {
    const { app } = throughContext();
    const response = await app.request(URL_, {
      headers: { Cookie: `a_session_demo_oauth=x; a_session_demo=${SECRET}; a_session_demo_email=y` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ kind: 'session' });
  });
});

describe('appwriteAuth options', () => {
  it.each<[string, unknown]>([
    ['a missing endpoint', { projectId: 'demo' }],
    ['an endpoint without a scheme', { endpoint: '127.0.0.1:9/v1', projectId: 'demo' }],
    ['a non-HTTP endpoint', { endpoint: 'ftp://127.0.0.1/v1', projectId: 'demo' }],
    [
      'an endpoint with http:// after its start',
      { endpoint: 'ftp://127.0.0.1/?u=http://x', projectId: 'demo' },
    ],
    ['a non-string endpoint', { endpoint: 42, projectId: 'demo' }],
  ])('throws for %s', (_, options) => {
    expect(() => appwriteAuth(options as AppwriteAuthOptions)).toThrow(
      new Error(
        'appwriteAuth: `endpoint` must be an http(s) URL without query, fragment or credentials (HTTPS unless the host is loopback)',
      ),
    );
  });

  it('throws for no options', () => {
    expect(() => appwriteAuth(undefined as unknown as AppwriteAuthOptions)).toThrow(
      new Error('appwriteAuth: options are required'),
    );
  });

  it('is required by default: a request without a credential gets 401 with a Bearer challenge', async () => {
    const app = new Hono<AppwriteAuthEnv>();
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo' }));
    app.get('/x', (c) => c.text('reached'));
    const response = await app.request(URL_);
    expect(response.status).toBe(401);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="appwrite"');
    expect(await response.json()).toEqual({
      message: 'Sign in first: send `Authorization: Bearer <jwt>` or the session cookie.',
      code: 401,
      type: 'user_unauthorized',
    });
  });

  it.each([
    [
      'a malformed Bearer header',
      { Authorization: 'Bearer not-a-jwt' },
      'user_jwt_invalid',
      'Bearer realm="appwrite", error="invalid_token"',
    ],
    ['a malformed session cookie', { Cookie: 'a_session_demo=%%%' }, 'user_session_invalid', null],
  ])('answers %s with 401 JSON without an onError of the app', async (_, headers, type, challenge) => {
    const app = new Hono<AppwriteAuthEnv>();
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', optional: true }));
    app.get('/x', (c) => c.text('reached'));
    const response = await app.request(URL_, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('WWW-Authenticate')).toBe(challenge);
    expect(((await response.json()) as { type: string }).type).toBe(type);
  });

  it.each<[string, unknown]>([
    ['a missing projectId', undefined],
    ['an empty projectId', ''],
    ['a projectId with a space', 'my project'],
    ['a projectId starting with a dash', '-demo'],
    ['a projectId of 37 characters', 'a'.repeat(37)],
  ])('throws for %s', (_, projectId) => {
    expect(() => appwriteAuth({ endpoint: ENDPOINT, projectId } as AppwriteAuthOptions)).toThrow(
      new Error('appwriteAuth: `projectId` must be an Appwrite project id'),
    );
  });

  it.each([
    ['10 s by default', {}, 10_000],
    ['timeoutMs when given', { timeoutMs: 750 }, 750],
  ])('gives each Appwrite request a deadline of %s', async (_, extra, expected) => {
    const deadlines: Array<number | undefined> = [];
    const transport: Transport = async (_url, request) => {
      deadlines.push(request.timeoutMs);
      return {
        status: 200,
        headers: new Headers({ 'content-type': 'application/json' }),
        text: async () => '{}',
        arrayBuffer: async () => new ArrayBuffer(0),
      };
    };
    const app = new Hono<AppwriteAuthEnv>();
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', transport, ...extra }));
    app.get('/x', async (c) => c.json(await c.var.appwrite.account.get()));
    expect((await app.request(URL_, { headers: { Authorization: `Bearer ${JWT}` } })).status).toBe(200);
    expect(deadlines).toEqual([expected]);
  });

  it.each([
    ['user_jwt_invalid', 'Bearer', 'Bearer realm="appwrite", error="invalid_token"'],
    ['user_unauthorized', 'Bearer', null],
    ['user_jwt_invalid', 'cookie', null],
  ])("answers Appwrite's 401 %s on a %s request with the challenge %s", async (type, via, challenge) => {
    const transport: Transport = async () => ({
      status: 401,
      headers: new Headers({ 'content-type': 'application/json' }),
      text: async () => JSON.stringify({ message: 'No.', code: 401, type, version: '1.9.6' }),
      arrayBuffer: async () => new ArrayBuffer(0),
    });
    const app = new Hono<AppwriteAuthEnv>();
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', transport }));
    app.get('/x', async (c) => c.json(await c.var.appwrite.account.get()));
    const headers: Record<string, string> =
      via === 'Bearer' ? { Authorization: `Bearer ${JWT}` } : { Cookie: `a_session_demo=${SECRET}` };
    const response = await app.request(URL_, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('www-authenticate')).toBe(challenge);
    expect(((await response.json()) as { type: string }).type).toBe(type);
  });

  it('drops every trailing slash of the endpoint', async () => {
    const app = new Hono<AppwriteAuthEnv>();
    app.use(appwriteAuth({ endpoint: `${ENDPOINT}///`, projectId: 'demo', optional: true }));
    app.get('/x', (c) => c.text(c.var.appwrite.client.config.endpoint));
    expect(await (await app.request(URL_)).text()).toBe(ENDPOINT);
  });

  it('does not mutate the options it was given', () => {
    const options: AppwriteAuthOptions = { endpoint: `${ENDPOINT}/`, projectId: 'demo' };
    appwriteAuth(options);
    expect(options).toStrictEqual({ endpoint: `${ENDPOINT}/`, projectId: 'demo' });
  });
});

describe('getAuth', () => {
  it.each([
    ['null', null],
    ['a string', 'jwt'],
    ['an object without kind', { userId: 'u' }],
  ])('throws when the auth variable is %s, as when appwriteAuth is not mounted', async (_, value) => {
    const app = new Hono();
    app.onError(onError);
    app.get('/x', (c) => {
      c.set('auth' as never, value as never);
      return c.json({ kind: getAuth(c).kind });
    });
    expect(((await (await app.request(URL_)).json()) as { message: string }).message).toBe(
      'getAuth: appwriteAuth() is not mounted on this route',
    );
  });

  it('throws when appwriteAuth is not mounted, instead of looking like a guest', async () => {
    const app = new Hono<AppwriteAuthEnv>();
    app.onError(onError);
    app.get('/x', (c) => c.json({ kind: getAuth(c).kind }));
    const response = await app.request(URL_);
    expect(response.status).toBe(500);
    expect(await response.json()).toStrictEqual({
      message: 'getAuth: appwriteAuth() is not mounted on this route',
      code: 500,
      type: 'unexpected',
    });
  });
});

describe('appwriteAuth request variables', () => {
  it('gives the handler Account over a client for this project and credential', async () => {
    const app = new Hono<AppwriteAuthEnv>();
    app.onError(onError);
    app.use(appwriteAuth({ endpoint: `${ENDPOINT}/`, projectId: 'demo', optional: true }));
    app.get('/x', (c) => {
      const { client, account } = c.var.appwrite;
      return c.json({
        account: account instanceof Account,
        endpoint: client.config.endpoint,
        project: client.config.project,
        jwt: client.config.jwt,
        session: client.config.session,
        key: client.config.key,
      });
    });
    const withJwt = await app.request(URL_, { headers: { Authorization: `Bearer ${JWT}` } });
    expect(await withJwt.json()).toStrictEqual({
      account: true,
      endpoint: ENDPOINT,
      project: 'demo',
      jwt: JWT,
      session: '',
      key: '',
    });
    const withSession = await app.request(URL_, { headers: { Cookie: `a_session_demo=${SECRET}` } });
    expect(await withSession.json()).toMatchObject({ jwt: '', session: SECRET, key: '' });
    const asGuest = await app.request(URL_);
    expect(await asGuest.json()).toMatchObject({ jwt: '', session: '', key: '' });
  });

  it('keeps the credential out of the Auth object, even when serialised', async () => {
    const app = new Hono<AppwriteAuthEnv>();
    app.onError(onError);
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', optional: true }));
    app.get('/x', (c) =>
      c.json({
        serialised: JSON.stringify(getAuth(c)),
        varAuth: JSON.stringify(c.var.auth),
        inspected: inspect(getAuth(c), { showHidden: true, depth: 5 }),
        context: inspect(c.var, { showHidden: true, depth: 2 }),
        keys: Object.keys(getAuth(c)).sort(),
        frozen: Object.isFrozen(getAuth(c)),
        credential: credentialOf(c) ?? null,
      }),
    );
    const withJwt = await app.request(URL_, { headers: { Authorization: `Bearer ${JWT}` } });
    const jwtBody = (await withJwt.json()) as Record<string, unknown>;
    // The credential lives in a private field: util.inspect (even showHidden) does not show it.
    expect(jwtBody.inspected).toContain("kind: 'jwt'");
    expect(jwtBody.inspected).not.toContain(JWT);
    expect(jwtBody.context).not.toContain(JWT);
    delete jwtBody.inspected;
    delete jwtBody.context;
    expect(jwtBody).toStrictEqual({
      serialised: '{"kind":"jwt"}',
      varAuth: '{"kind":"jwt"}',
      keys: ['kind', 'userId'],
      frozen: true,
      credential: { kind: 'jwt', jwt: JWT },
    });

    const withSession = await app.request(URL_, { headers: { Cookie: `a_session_demo=${SECRET}` } });
    const sessionBody = (await withSession.json()) as Record<string, unknown>;
    expect(sessionBody.serialised).toBe('{"kind":"session"}');
    expect(String(sessionBody.serialised)).not.toContain(SECRET);
    expect(String(sessionBody.inspected)).not.toContain(SECRET);
    expect(String(sessionBody.context)).not.toContain(SECRET);
    expect(sessionBody.credential).toStrictEqual({ kind: 'session', secret: SECRET });

    const asGuest = await app.request(URL_);
    expect(((await asGuest.json()) as Record<string, unknown>).credential).toBeNull();
  });

  it('builds a new client for every request, each with its own credential', async () => {
    const seen: Array<{ client: Client; jwt: string }> = [];
    let release: () => void = () => undefined;
    const bothArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app = new Hono<AppwriteAuthEnv>();
    app.onError(onError);
    app.use(appwriteAuth({ endpoint: ENDPOINT, projectId: 'demo', optional: false }));
    app.get('/x', async (c) => {
      seen.push({ client: c.var.appwrite.client, jwt: c.req.header('Authorization') ?? '' });
      if (seen.length === 2) release();
      // Both requests are in flight at once before either answers.
      await bothArrived;
      return c.json({ jwt: c.var.appwrite.client.config.jwt });
    });
    const [first, second] = await Promise.all([
      app.request(URL_, { headers: { Authorization: 'Bearer a.first.x' } }),
      app.request(URL_, { headers: { Authorization: 'Bearer b.second.y' } }),
    ]);
    expect(await first?.json()).toStrictEqual({ jwt: 'a.first.x' });
    expect(await second?.json()).toStrictEqual({ jwt: 'b.second.y' });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.client).not.toBe(seen[1]?.client);
  });
});
