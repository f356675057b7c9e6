import { describe, expect, it } from 'vitest';
import { rateLimiterOf } from './rate-limit.ts';
import {
  type AppwriteAuthOptions,
  type AuthRoutesOptions,
  RATE_LIMIT_DEFAULTS,
  resolveAuthSettings,
  resolveRoutesSettings,
} from './settings.ts';

const BASE = { endpoint: 'https://cloud.example.com/v1', projectId: 'demo' } as const;
const ROUTES = { ...BASE, apiKey: 'standard_key' } as const;
const ENDPOINT_RULE =
  '`endpoint` must be an http(s) URL without query, fragment or credentials (HTTPS unless the host is loopback)';
const TIMEOUT_RULE = '`timeoutMs` must be an integer from 100 to 120000';

describe('resolveAuthSettings', () => {
  it('fills in the defaults without touching the options', () => {
    const options: AppwriteAuthOptions = { ...BASE, endpoint: 'https://cloud.example.com/v1//' };
    const settings = resolveAuthSettings(options);
    expect(settings).toMatchObject({
      endpoint: 'https://cloud.example.com/v1',
      projectId: 'demo',
      optional: false,
      cookieName: 'a_session_demo',
      cookieDomain: undefined,
      timeoutMs: 10_000,
      jwtKey: undefined,
    });
    expect(typeof settings.hashSecret).toBe('function');
    expect(options).toEqual({ ...BASE, endpoint: 'https://cloud.example.com/v1//' });
  });

  it.each<[string, Partial<Record<keyof AppwriteAuthOptions, unknown>>, string]>([
    ['plain HTTP to a remote host', { endpoint: 'http://cloud.example.com/v1' }, ENDPOINT_RULE],
    ['an endpoint with credentials', { endpoint: 'https://u:p@cloud.example.com/v1' }, ENDPOINT_RULE],
    ['an endpoint with a query', { endpoint: 'https://cloud.example.com/v1?x=1' }, ENDPOINT_RULE],
    ['a cookie name with a space', { cookieName: 'a session' }, '`cookieName` must be a cookie name'],
    ['a cookie domain with a slash', { cookieDomain: 'example.com/x' }, '`cookieDomain` must be a domain'],
    ['a timeout below 100 ms', { timeoutMs: 99 }, TIMEOUT_RULE],
    ['a timeout above 120 s', { timeoutMs: 120_001 }, TIMEOUT_RULE],
    ['a fractional timeout', { timeoutMs: 1000.5 }, TIMEOUT_RULE],
    ['optional as a string', { optional: 'yes' }, '`optional` must be a boolean'],
    ['an empty JWT key', { jwtKey: '' }, '`jwtKey` must be a non-empty string'],
    ['a transport that is no function', { transport: {} }, '`transport` must be a function'],
    ['a hasher that is no function', { hashSecret: 'sha256' }, '`hashSecret` must be a function'],
    ['a verifier that is no function', { verifyHmacSha256: 1 }, '`verifyHmacSha256` must be a function'],
  ])('throws naming the option and its rule for %s', (_, extra, message) => {
    expect(() => resolveAuthSettings({ ...BASE, ...extra } as AppwriteAuthOptions)).toThrow(
      new Error(`appwriteAuth: ${message}`),
    );
  });

  it.each([null, undefined, 'https://cloud.example.com/v1', 42])(
    'throws for options that are %j',
    (options) => {
      expect(() => resolveAuthSettings(options as unknown as AppwriteAuthOptions)).toThrow(
        new Error('appwriteAuth: options are required'),
      );
    },
  );

  it.each([
    ['an ftp endpoint', 'ftp://127.0.0.1/v1'],
    ['a ws endpoint', 'ws://127.0.0.1/v1'],
    ['an endpoint with a fragment', 'https://cloud.example.com/v1#x'],
    ['a relative endpoint', '/v1'],
  ])('refuses %s', (_, endpoint) => {
    expect(() => resolveAuthSettings({ ...BASE, endpoint })).toThrow(/^appwriteAuth: `endpoint` must be /);
  });

  it.each([
    ['a __Host- name', '__Host-sid'],
    ['a __Secure- name', '__Secure-sid'],
    ['a 64-character name', 'a'.repeat(64)],
    ['a __Host- name of 64 characters after the prefix', `__Host-${'a'.repeat(64)}`],
    ['a __Secure- name of 64 characters after the prefix', `__Secure-${'a'.repeat(64)}`],
  ])('accepts %s as cookieName', (_, cookieName) => {
    expect(resolveAuthSettings({ ...BASE, cookieName }).cookieName).toBe(cookieName);
  });

  it.each([
    ['a 65-character name', 'a'.repeat(65)],
    ['a __Host- name of 65 characters after the prefix', `__Host-${'a'.repeat(65)}`],
    ['a __Host- name with a dot', '__Host-a.b'],
    ['an empty name', ''],
  ])('refuses %s as cookieName', (_, cookieName) => {
    expect(() => resolveAuthSettings({ ...BASE, cookieName })).toThrow(
      /^appwriteAuth: `cookieName` must be /,
    );
  });

  it('keeps the given settings', () => {
    const transport = async () => ({
      status: 200,
      headers: new Headers(),
      text: async () => '',
      arrayBuffer: async () => new ArrayBuffer(0),
    });
    const hashSecret = (secret: string) => secret;
    const verifyHmacSha256 = () => true;
    expect(
      resolveAuthSettings({
        ...BASE,
        optional: true,
        cookieName: 'sid',
        cookieDomain: '.example.com',
        timeoutMs: 120_000,
        transport,
        jwtKey: 'k',
        hashSecret,
        verifyHmacSha256,
      }),
    ).toEqual({
      ...BASE,
      optional: true,
      cookieName: 'sid',
      cookieDomain: '.example.com',
      timeoutMs: 120_000,
      transport,
      jwtKey: 'k',
      hashSecret,
      verifyHmacSha256,
      identityCache: undefined,
    });
  });

  it('accepts plain HTTP to a loopback host', () => {
    expect(resolveAuthSettings({ ...BASE, endpoint: 'http://127.0.0.1:8788/v1' }).endpoint).toBe(
      'http://127.0.0.1:8788/v1',
    );
  });

  it('refuses a __Host- cookie with a domain, which browsers would drop', () => {
    expect(() =>
      resolveAuthSettings({ ...BASE, cookieName: '__Host-sid', cookieDomain: 'example.com' }),
    ).toThrow('appwriteAuth: a `__Host-` cookieName cannot have a cookieDomain (browsers refuse it)');
  });

  it('never shows the value of a bad option (it may be a secret)', () => {
    expect(() => resolveAuthSettings({ ...BASE, endpoint: 'http://secret-token@x/v1' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-token') }),
    );
  });
});

/** The rule each routes option names when it is refused. */
const RULES: Record<string, string> = {
  apiKey: 'an Appwrite API key',
  cookieSameSite: '`Lax`, `Strict` or `None`',
  publicOrigin: 'an origin',
  allowedOrigins: 'a list of origins',
  loginPath: 'a path such as `/login`',
  signupPath: 'a path such as `/login`',
  homePath: 'a path such as `/login`',
  oauthProviders: 'a list of provider names',
  renderJwt: 'a function',
};

describe('resolveRoutesSettings', () => {
  it('fills in the defaults', () => {
    expect(resolveRoutesSettings(ROUTES)).toMatchObject({
      apiKey: 'standard_key',
      cookieSameSite: 'Lax',
      publicOrigin: undefined,
      allowedOrigins: [],
      loginPath: '/login',
      signupPath: '/signup',
      homePath: '/',
      oauthProviders: [],
      rateLimit: {},
    });
  });

  it.each([
    ['undefined', undefined, {}],
    ['false', false, false],
    ['an object', { ipHeader: 'CF-Connecting-IP' }, { ipHeader: 'CF-Connecting-IP' }],
  ] as const)('keeps rateLimit %s as %j', (_, rateLimit, expected) => {
    expect(resolveRoutesSettings({ ...ROUTES, rateLimit }).rateLimit).toEqual(expected);
  });

  it('takes every SameSite, origins of both schemes, paths and provider names', () => {
    for (const cookieSameSite of ['Lax', 'Strict', 'None'] as const) {
      expect(resolveRoutesSettings({ ...ROUTES, cookieSameSite }).cookieSameSite).toBe(cookieSameSite);
    }
    const settings = resolveRoutesSettings({
      ...ROUTES,
      publicOrigin: 'http://localhost:8787',
      allowedOrigins: ['https://a.example', 'http://127.0.0.1:5173'],
      loginPath: '/account/sign-in',
      signupPath: '/account/new',
      homePath: '/app',
      oauthProviders: ['github', 'google', 'a'.repeat(32)],
    });
    expect(settings).toMatchObject({
      publicOrigin: 'http://localhost:8787',
      allowedOrigins: ['https://a.example', 'http://127.0.0.1:5173'],
      loginPath: '/account/sign-in',
      signupPath: '/account/new',
      homePath: '/app',
      oauthProviders: ['github', 'google', 'a'.repeat(32)],
    });
  });

  it.each([
    ['http://LOCALHOST:80/', 'http://localhost'],
    ['https://App.Example.com:443', 'https://app.example.com'],
    ['https://app.example.com:8443/', 'https://app.example.com:8443'],
  ])('serialises publicOrigin %s as %s, as browsers send Origin', (publicOrigin, expected) => {
    expect(resolveRoutesSettings({ ...ROUTES, publicOrigin }).publicOrigin).toBe(expected);
  });

  it('checks the middleware options too, in its own name', () => {
    expect(() => resolveRoutesSettings({ ...ROUTES, timeoutMs: 5 })).toThrow(
      /^authRoutes: `timeoutMs` must be /,
    );
  });

  it('keeps origins as origins and copies the lists', () => {
    const allowedOrigins = ['https://front.example.com/'];
    const settings = resolveRoutesSettings({ ...ROUTES, allowedOrigins });
    expect(settings.allowedOrigins).toEqual(['https://front.example.com']);
    allowedOrigins.push('https://evil.example');
    expect(settings.allowedOrigins).toEqual(['https://front.example.com']);
  });

  it.each<[string, Partial<Record<keyof AuthRoutesOptions, unknown>>, string]>([
    ['no API key', { apiKey: undefined }, 'apiKey'],
    ['a SameSite of lax (case matters)', { cookieSameSite: 'lax' }, 'cookieSameSite'],
    ['an origin with a path', { publicOrigin: 'https://app.example.com/app' }, 'publicOrigin'],
    ['an allowed origin with a query', { allowedOrigins: ['https://a.example?x'] }, 'allowedOrigins'],
    ['a login path that is another host', { loginPath: '//evil.example' }, 'loginPath'],
    ['a signup path with dot segments', { signupPath: '/a/../b' }, 'signupPath'],
    ['a home path that is a URL', { homePath: 'https://evil.example/' }, 'homePath'],
    ['an upper-case provider', { oauthProviders: ['GitHub'] }, 'oauthProviders'],
    ['a provider of 33 characters', { oauthProviders: ['a'.repeat(33)] }, 'oauthProviders'],
    ['a provider with a dash', { oauthProviders: ['git-hub'] }, 'oauthProviders'],
    ['an ftp origin', { publicOrigin: 'ftp://app.example.com' }, 'publicOrigin'],
    ['an origin with a query', { publicOrigin: 'https://app.example.com?x=1' }, 'publicOrigin'],
    ['a login path with a space', { loginPath: '/log in' }, 'loginPath'],
    ['a login path with a query', { loginPath: '/login?x=1' }, 'loginPath'],
    ['a login path with a backslash', { loginPath: '/\\evil.example' }, 'loginPath'],
    ['a relative login path', { loginPath: 'login' }, 'loginPath'],
    ['a login path with percent-encoded dots', { loginPath: '/a/%2e%2e/b' }, 'loginPath'],
    ['a renderJwt that is no function', { renderJwt: 'page' }, 'renderJwt'],
  ])('throws naming the option and its rule for %s', (_, extra, name) => {
    expect(() => resolveRoutesSettings({ ...ROUTES, ...extra } as AuthRoutesOptions)).toThrow(
      new Error(`authRoutes: \`${name}\` must be ${RULES[name]}`),
    );
  });
});

describe('rateLimiterOf', () => {
  it('is off for `false`', () => {
    expect(rateLimiterOf(false)).toBeUndefined();
  });

  it("takes every rule's default, an override, and leaves out a rule set to false", () => {
    const limiter = rateLimiterOf({ rules: { login: { limit: 3, windowSeconds: 10 }, jwt: false } });
    expect(limiter?.limits).toEqual({
      ...RATE_LIMIT_DEFAULTS,
      login: { limit: 3, windowSeconds: 10 },
      jwt: undefined,
    });
    expect('jwt' in (limiter?.limits ?? {})).toBe(false);
  });

  it.each([
    ['ipHeader', { ipHeader: 'X Forwarded' }, 'authRoutes: `rateLimit.ipHeader` must be a header name'],
    ['store', { store: {} }, 'authRoutes: `rateLimit.store` must be a RateLimitStore (hit and reset)'],
    [
      'clientAddress',
      { clientAddress: 'x-real-ip' },
      'authRoutes: `rateLimit.clientAddress` must be a function',
    ],
    ['now', { now: 0 }, 'authRoutes: `rateLimit.now` must be a function'],
  ])('throws for a bad %s', (_, options, message) => {
    expect(() => rateLimiterOf(options as never)).toThrow(message);
  });

  it.each([
    ['a zero limit', { limit: 0, windowSeconds: 60 }],
    ['a fractional window', { limit: 5, windowSeconds: 1.5 }],
    ['a string', '10/60'],
  ])('throws for a rule given %s', (_, rule) => {
    expect(() => rateLimiterOf({ rules: { login: rule as never } })).toThrow(
      'authRoutes: `rateLimit.rules.login` must be {limit, windowSeconds} (positive integers) or false',
    );
  });
});
