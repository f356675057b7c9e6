import { inspect } from 'node:util';
import { RATE_LIMIT_DEFAULTS } from 'hono-appwrite';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseConfig } from './config.ts';

const minimal = {
  APPWRITE_ENDPOINT: 'https://cloud.example.com/v1',
  APPWRITE_PROJECT_ID: 'demo',
  APPWRITE_API_KEY: 'standard_key',
};

/** The message parseConfig throws for `env`; fails the test when it does not throw. */
const errorOf = (env: Record<string, unknown>): string => {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw new Error(`parseConfig threw a non-Error: ${String(error)}`);
  }
  throw new Error('parseConfig accepted an invalid environment');
};

describe('parseConfig', () => {
  it('accepts a minimal environment and fills every default', () => {
    expect(parseConfig(minimal)).toStrictEqual({
      APPWRITE_ENDPOINT: 'https://cloud.example.com/v1',
      APPWRITE_PROJECT_ID: 'demo',
      APPWRITE_API_KEY: 'standard_key',
      ALLOWED_ORIGINS: [],
      OAUTH_PROVIDERS: [],
      SESSION_COOKIE_NAME: 'a_session_demo',
      SESSION_COOKIE_SAMESITE: 'Lax',
      LOGIN_PATH: '/login',
      APPWRITE_TIMEOUT_MS: 10_000,
      APPWRITE_TRANSPORT: 'pool',
      APPWRITE_MAX_CONNECTIONS: 64,
      IDENTITY_CACHE_TTL_SECONDS: 0,
      LOG_LEVEL: 'error',
      RATE_LIMIT_STORE: 'memory',
      RATE_LIMITS: RATE_LIMIT_DEFAULTS,
    });
  });

  it('reads rate-limit overrides, turns rules off, and needs REDIS_URL for the Redis store', () => {
    const config = parseConfig({
      ...minimal,
      RATE_LIMIT_LOGIN: '3/10',
      RATE_LIMIT_GUEST: 'off',
      RATE_LIMIT_JWT: 'off',
      CLIENT_IP_HEADER: 'CF-Connecting-IP',
    });
    expect(config.RATE_LIMITS.login).toStrictEqual({ limit: 3, windowSeconds: 10 });
    expect(config.RATE_LIMITS.loginEmail).toStrictEqual(RATE_LIMIT_DEFAULTS.loginEmail);
    expect(config.RATE_LIMITS).not.toHaveProperty('guest');
    expect(config.RATE_LIMITS).not.toHaveProperty('jwt');
    expect(config.CLIENT_IP_HEADER).toBe('CF-Connecting-IP');
    expect(parseConfig({ ...minimal, RATE_LIMIT_STORE: 'off' }).RATE_LIMITS).toStrictEqual({});
    expect(() => parseConfig({ ...minimal, RATE_LIMIT_STORE: 'redis' })).toThrow(
      'Invalid configuration: REDIS_URL missing or malformed',
    );
    expect(
      parseConfig({ ...minimal, RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL,
    ).toBe('redis://127.0.0.1:6379');
  });

  it.each([
    { RATE_LIMIT_LOGIN: '10' },
    { RATE_LIMIT_LOGIN: '10/1m' },
    { RATE_LIMIT_LOGIN: '-1/60' },
    { RATE_LIMIT_LOGIN: '0/60' },
    { RATE_LIMIT_LOGIN: '10/0' },
    { REDIS_URL: 'redis://:pa#ss@host:port' },
    { RATE_LIMIT_STORE: 'kv' },
    { REDIS_URL: 'http://127.0.0.1:6379' },
    { CLIENT_IP_HEADER: 'X-Forwarded-For\r\nX: 1' },
  ])('refuses the malformed limiter setting %o', (env) => {
    expect(() => parseConfig({ ...minimal, ...env })).toThrow(
      /^Invalid configuration: [A-Z_]+ missing or malformed$/,
    );
  });

  it.each([
    [
      { APPWRITE_TRANSPORT: 'fetch', APPWRITE_MAX_CONNECTIONS: '8' },
      { APPWRITE_TRANSPORT: 'fetch', APPWRITE_MAX_CONNECTIONS: 8 },
    ],
  ])('reads the Node transport settings %o', (env, expected) => {
    expect(parseConfig({ ...minimal, ...env })).toMatchObject(expected);
  });

  it.each([
    { APPWRITE_TRANSPORT: 'http2' },
    { APPWRITE_MAX_CONNECTIONS: '0' },
    { APPWRITE_MAX_CONNECTIONS: '1.5' },
  ])('rejects %o, naming the key', (env) => {
    const key = Object.keys(env)[0] ?? '';
    expect(() => parseConfig({ ...minimal, ...env })).toThrow(key);
  });

  it('keeps explicit values and coerces the timeout to a number', () => {
    const config = parseConfig({
      ...minimal,
      PUBLIC_ORIGIN: 'https://app.example.com',
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_DOMAIN: '.example.com',
      SESSION_COOKIE_SAMESITE: 'Strict',
      LOGIN_PATH: '/sign-in',
      APPWRITE_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({
      PUBLIC_ORIGIN: 'https://app.example.com',
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_DOMAIN: '.example.com',
      SESSION_COOKIE_SAMESITE: 'Strict',
      LOGIN_PATH: '/sign-in',
      APPWRITE_TIMEOUT_MS: 2500,
    });
  });

  it('splits and trims comma-separated lists, dropping empty entries', () => {
    const config = parseConfig({
      ...minimal,
      ALLOWED_ORIGINS: ' https://a.example.com , ,http://localhost:5173/,',
      OAUTH_PROVIDERS: 'github, google ,',
    });
    expect(config.ALLOWED_ORIGINS).toStrictEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(config.OAUTH_PROVIDERS).toStrictEqual(['github', 'google']);
  });

  it.each([
    ['https://cloud.example.com/v1/', 'https://cloud.example.com/v1'],
    ['https://cloud.example.com/v1///', 'https://cloud.example.com/v1'],
    ['https://cloud.example.com/v1', 'https://cloud.example.com/v1'],
  ])('normalises the endpoint %s to %s', (endpoint, expected) => {
    expect(parseConfig({ ...minimal, APPWRITE_ENDPOINT: endpoint }).APPWRITE_ENDPOINT).toBe(expected);
  });

  it.each([
    'http://127.0.0.1/v1',
    'http://127.0.0.1:8080/v1',
    'http://127.1.2.3/v1',
    'http://localhost/v1',
    'http://localhost:9000/v1',
    'http://appwrite.localhost/v1',
    'http://[::1]:8080/v1',
  ])('accepts plain HTTP on the loopback endpoint %s', (endpoint) => {
    expect(parseConfig({ ...minimal, APPWRITE_ENDPOINT: endpoint }).APPWRITE_ENDPOINT).toBe(endpoint);
  });

  it.each([
    ['plain HTTP on a public host', 'http://cloud.example.com/v1'],
    ['plain HTTP on a private address', 'http://10.0.0.5/v1'],
    ['plain HTTP on a look-alike host', 'http://localhost.example.com/v1'],
    ['a non-HTTP scheme', 'ftp://cloud.example.com/v1'],
    ['credentials', 'https://user:pw@cloud.example.com/v1'],
    ['a query', 'https://cloud.example.com/v1?x=1'],
    ['a fragment', 'https://cloud.example.com/v1#x'],
    ['no URL at all', 'cloud.example.com'],
  ])('rejects an endpoint with %s', (_, endpoint) => {
    expect(errorOf({ ...minimal, APPWRITE_ENDPOINT: endpoint })).toBe(
      'Invalid configuration: APPWRITE_ENDPOINT missing or malformed',
    );
  });

  it.each([
    ['a leading dash', '-demo'],
    ['a leading underscore', '_demo'],
    ['a space', 'my project'],
    ['a slash', 'demo/x'],
    ['37 characters', 'a'.repeat(37)],
  ])('rejects a project id with %s', (_, projectId) => {
    expect(errorOf({ ...minimal, APPWRITE_PROJECT_ID: projectId })).toBe(
      'Invalid configuration: APPWRITE_PROJECT_ID missing or malformed',
    );
  });

  it.each(['demo', 'a', 'my-project_1.x', 'a'.repeat(36)])('accepts the project id %s', (projectId) => {
    expect(parseConfig({ ...minimal, APPWRITE_PROJECT_ID: projectId }).APPWRITE_PROJECT_ID).toBe(projectId);
  });

  it.each([
    ['a path', 'https://a.example.com/app'],
    ['a query', 'https://a.example.com?x=1'],
    ['a fragment', 'https://a.example.com#x'],
    ['a non-HTTP scheme', 'ftp://a.example.com'],
    ['no scheme', 'a.example.com'],
  ])('rejects an ALLOWED_ORIGINS entry with %s', (_, entry) => {
    expect(errorOf({ ...minimal, ALLOWED_ORIGINS: `https://ok.example.com,${entry}` })).toBe(
      'Invalid configuration: ALLOWED_ORIGINS.1 missing or malformed',
    );
  });

  it('rejects a PUBLIC_ORIGIN with a path', () => {
    expect(errorOf({ ...minimal, PUBLIC_ORIGIN: 'https://app.example.com/base' })).toBe(
      'Invalid configuration: PUBLIC_ORIGIN missing or malformed',
    );
  });

  it.each(['lax', 'strict', 'none', 'Sometimes'])('rejects SESSION_COOKIE_SAMESITE=%s', (sameSite) => {
    expect(errorOf({ ...minimal, SESSION_COOKIE_SAMESITE: sameSite })).toBe(
      'Invalid configuration: SESSION_COOKIE_SAMESITE missing or malformed',
    );
  });

  it.each([
    ['LOGIN_PATH', '//evil.example', 'LOGIN_PATH'],
    ['LOGIN_PATH', 'https://evil.example/login', 'LOGIN_PATH'],
    ['LOGIN_PATH', '/login?x=1', 'LOGIN_PATH'],
    ['LOGIN_PATH', '/..//evil.example', 'LOGIN_PATH'],
    ['LOGIN_PATH', '/%2e%2e//evil.example', 'LOGIN_PATH'],
    ['LOGIN_PATH', '/a/../login', 'LOGIN_PATH'],
    ['LOGIN_PATH', '/./login', 'LOGIN_PATH'],
    ['APPWRITE_TIMEOUT_MS', '99', 'APPWRITE_TIMEOUT_MS'],
    ['APPWRITE_TIMEOUT_MS', '120001', 'APPWRITE_TIMEOUT_MS'],
    ['APPWRITE_TIMEOUT_MS', '1.5', 'APPWRITE_TIMEOUT_MS'],
    ['APPWRITE_TIMEOUT_MS', 'soon', 'APPWRITE_TIMEOUT_MS'],
    ['OAUTH_PROVIDERS', 'github,GitHub', 'OAUTH_PROVIDERS.1'],
    ['SESSION_COOKIE_NAME', 'a session', 'SESSION_COOKIE_NAME'],
    ['SESSION_COOKIE_DOMAIN', 'example.com/x', 'SESSION_COOKIE_DOMAIN'],
  ])('rejects %s=%s, naming %s', (key, value, named) => {
    expect(errorOf({ ...minimal, [key]: value })).toBe(
      `Invalid configuration: ${named} missing or malformed`,
    );
  });

  it('refuses a __Host- SESSION_COOKIE_NAME together with SESSION_COOKIE_DOMAIN', () => {
    expect(
      errorOf({
        ...minimal,
        SESSION_COOKIE_NAME: '__Host-a_session_demo',
        SESSION_COOKIE_DOMAIN: 'example.com',
      }),
    ).toBe(
      'Invalid configuration: SESSION_COOKIE_DOMAIN cannot be set with a __Host- SESSION_COOKIE_NAME (browsers refuse __Host- cookies with a Domain)',
    );
  });

  it('accepts a __Host- SESSION_COOKIE_NAME on its own, and a __Secure- one with a domain', () => {
    expect(
      parseConfig({ ...minimal, SESSION_COOKIE_NAME: '__Host-a_session_demo' }).SESSION_COOKIE_NAME,
    ).toBe('__Host-a_session_demo');
    const secure = parseConfig({
      ...minimal,
      SESSION_COOKIE_NAME: '__Secure-s',
      SESSION_COOKIE_DOMAIN: 'example.com',
    });
    expect(secure.SESSION_COOKIE_DOMAIN).toBe('example.com');
  });

  it.each([
    ['db/table', { databaseId: 'db', tableId: 'table' }],
    [
      '642f358bf4084c662590/642f3592aa5fc856ad1e',
      { databaseId: '642f358bf4084c662590', tableId: '642f3592aa5fc856ad1e' },
    ],
    [`${'d'.repeat(36)}/t.a_b-c`, { databaseId: 'd'.repeat(36), tableId: 't.a_b-c' }],
  ])('splits HOME_TABLE=%s into database and table ids', (value, expected) => {
    expect(parseConfig({ ...minimal, HOME_TABLE: value }).HOME_TABLE).toStrictEqual(expected);
  });

  it.each([
    'a',
    'a/b/c',
    '/x',
    'x/',
    '/',
    'a//b',
    'a /b',
    '-db/table',
    'db/_table',
    `${'d'.repeat(37)}/table`,
    'db\\table',
    'db/table?x=1',
  ])('rejects HOME_TABLE=%s, naming the key', (value) => {
    expect(errorOf({ ...minimal, HOME_TABLE: value })).toBe(
      'Invalid configuration: HOME_TABLE missing or malformed',
    );
  });

  it('never echoes a rejected HOME_TABLE', () => {
    const value = 'secret-database/secret-table/extra';
    let thrown: unknown;
    try {
      parseConfig({ ...minimal, HOME_TABLE: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('Invalid configuration: HOME_TABLE missing or malformed');
    expect(inspect(thrown)).not.toContain('secret');
  });

  it('names every missing required key', () => {
    expect(errorOf({})).toBe(
      'Invalid configuration: APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID, APPWRITE_API_KEY missing or malformed',
    );
  });

  it('names the bad keys but never echoes a secret value', () => {
    const secret = 'sk-very-secret-value';
    let thrown: unknown;
    try {
      parseConfig({ ...minimal, APPWRITE_API_KEY: secret, APPWRITE_ENDPOINT: `http://${secret}.example/v1` });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as Error;
    expect(error.message).toBe('Invalid configuration: APPWRITE_ENDPOINT missing or malformed');
    expect(error.message).not.toContain(secret);
    expect(inspect(error)).not.toContain(secret);
    expect(error.cause).toBeUndefined();
  });

  it.each([
    ['APPWRITE_ENDPOINT', 'sk-very-secret-value', 'APPWRITE_ENDPOINT'],
    ['PUBLIC_ORIGIN', 'sk-very-secret-value', 'PUBLIC_ORIGIN'],
    ['ALLOWED_ORIGINS', 'sk-very-secret-value', 'ALLOWED_ORIGINS.0'],
  ])(
    'names %s when it is not a URL at all, and the thrown error never holds the value',
    (key, value, named) => {
      let thrown: unknown;
      try {
        parseConfig({ ...minimal, [key]: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      // What Node prints for an uncaught start-up error, own properties included.
      expect(inspect(thrown)).not.toContain(value);
      expect((thrown as Error).message).toBe(`Invalid configuration: ${named} missing or malformed`);
    },
  );

  it('names an oversized API key without echoing it', () => {
    const secret = `sk-very-secret-value-${'x'.repeat(4096)}`;
    const message = errorOf({ ...minimal, APPWRITE_API_KEY: secret });
    expect(message).toBe('Invalid configuration: APPWRITE_API_KEY missing or malformed');
    expect(message).not.toContain('sk-very-secret-value');
  });

  it('treats empty strings as unset, so optional keys take their defaults', () => {
    const config = parseConfig({
      ...minimal,
      PUBLIC_ORIGIN: '',
      ALLOWED_ORIGINS: '',
      OAUTH_PROVIDERS: '',
      SESSION_COOKIE_NAME: '',
      SESSION_COOKIE_DOMAIN: '',
      SESSION_COOKIE_SAMESITE: '',
      LOGIN_PATH: '',
      APPWRITE_TIMEOUT_MS: '',
      HOME_TABLE: '',
    });
    expect(config).toStrictEqual(parseConfig(minimal));
    expect(config.HOME_TABLE).toBeUndefined();
  });

  it('treats an empty required key as missing', () => {
    expect(errorOf({ ...minimal, APPWRITE_API_KEY: '' })).toBe(
      'Invalid configuration: APPWRITE_API_KEY missing or malformed',
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['dev.localhost', true],
    ['::1', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
    ['0.0.0.0', false],
    ['example.com', false],
  ])('isLoopbackHost(%s) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
