import { Account, OAuthProvider, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { consent, hiddenFields } from '../support/oauth-consent.ts';
import { API_KEY, expectAppwriteError, PROTOCOLS, useEmulator } from './helpers.ts';

describe.each(PROTOCOLS)('emulator OAuth2 token flow over %s', (protocol) => {
  const t = useEmulator(protocol);
  const success = 'http://localhost:3000/auth/oauth/callback?next=%2Fhome';
  const failure = 'http://localhost:3000/auth/oauth/failure';
  /** createOAuth2Token for GitHub with the app's success and failure URLs; returns the provider URL. */
  const startFlow = () =>
    new Account(t.guest()).createOAuth2Token({ provider: OAuthProvider.Github, success, failure });

  it('answers createOAuth2Token with 301 to the built-in consent page', async () => {
    const url = await startFlow();
    const authorize = new URL(url);
    expect(authorize.origin).toBe(t.running().origin);
    expect(authorize.pathname).toBe('/_emulator/oauth2/github/authorize');
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${t.running().origin}/v1/account/sessions/oauth2/callback/github/demo`,
    );
    expect(JSON.parse(authorize.searchParams.get('state') ?? '')).toEqual({ success, failure, token: true });
  });

  it('renders a no-JavaScript consent form with a labelled email field and Allow/Deny buttons', async () => {
    const url = await new Account(t.guest()).createOAuth2Token({
      provider: OAuthProvider.Google,
      success,
      failure,
    });
    const html = await (await fetch(url)).text();
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toMatch(/<input id="email" name="email" type="email"/);
    expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
    expect(html).not.toContain('<script');
  });

  it('Allow → success URL with userId and a JWT-wrapped secret that createSession exchanges once', async () => {
    const url = await startFlow();
    const { response, location } = await consent(url, { email: 'user-b@example.com', decision: 'allow' });
    expect(response.status).toBe(301);
    const landed = new URL(location);
    expect(`${landed.origin}${landed.pathname}`).toBe('http://localhost:3000/auth/oauth/callback');
    expect(landed.searchParams.get('next')).toBe('/home');
    expect(landed.searchParams.get('userId')).toBe('user-b');
    const secret = landed.searchParams.get('secret') ?? '';
    expect(secret.split('.')).toHaveLength(3);
    const session = await new Account(t.admin()).createSession({ userId: 'user-b', secret });
    expect(session).toMatchObject({ userId: 'user-b', provider: 'github', factors: ['email'] });
    expect((await new Account(t.withSession(session.secret)).get()).email).toBe('user-b@example.com');
    await expectAppwriteError(
      new Account(t.admin()).createSession({ userId: 'user-b', secret }),
      401,
      'user_invalid_token',
    );
  });

  it('creates the user on a first sign-in with an unknown email', async () => {
    const url = await startFlow();
    const { location } = await consent(url, { email: 'Newcomer@Example.com', decision: 'allow' });
    const userId = new URL(location).searchParams.get('userId') ?? '';
    const user = await new Users(t.admin()).get({ userId });
    expect(user).toMatchObject({ email: 'newcomer@example.com', emailVerification: true });
  });

  it('expires the wrapped secret after 60 seconds', async () => {
    const url = await startFlow();
    const { location } = await consent(url, { email: 'user-a@example.com', decision: 'allow' });
    t.running().advanceClock(60);
    const secret = new URL(location).searchParams.get('secret') ?? '';
    await expectAppwriteError(
      new Account(t.admin()).createSession({ userId: 'user-a', secret }),
      401,
      'user_invalid_token',
    );
  });

  it('Deny → failure URL with an Appwrite error object', async () => {
    const url = await startFlow();
    const { location } = await consent(url, { decision: 'deny' });
    const landed = new URL(location);
    expect(`${landed.origin}${landed.pathname}`).toBe(failure);
    expect(JSON.parse(landed.searchParams.get('error') ?? '')).toMatchObject({
      type: 'user_oauth2_provider_error',
      code: 424,
    });
    expect(landed.searchParams.has('secret')).toBe(false);
  });

  it('re-renders the form with 400 for Allow without a valid email', async () => {
    const url = await startFlow();
    const { response } = await consent(url, { email: 'nope', decision: 'allow' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Enter a valid email address.');
  });

  it('rejects a code that was already redeemed', async () => {
    const url = await startFlow();
    const hidden = hiddenFields(await (await fetch(url)).text());
    const allow = await fetch(new URL('/_emulator/oauth2/github/authorize', url), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...hidden, email: 'user-a@example.com', decision: 'allow' }),
    });
    const callback = allow.headers.get('location') ?? '';
    const first = await fetch(callback, { redirect: 'manual' });
    const redirect = first.headers.get('location') ?? '';
    expect((await fetch(redirect, { redirect: 'manual' })).headers.get('location')).toContain('secret=');
    const replay = new URL((await fetch(redirect, { redirect: 'manual' })).headers.get('location') ?? '');
    expect(JSON.parse(replay.searchParams.get('error') ?? '{}')).toMatchObject({
      type: 'user_oauth2_unauthorized',
      code: 401,
    });
    expect(replay.searchParams.has('secret')).toBe(false);
  });

  it.each([
    [
      'a success URL on an unregistered host',
      { provider: 'github', success: 'https://evil.example/cb', failure },
      400,
      'general_argument_invalid',
    ],
    [
      'a javascript: failure URL',
      { provider: 'github', success, failure: 'javascript:alert(1)' },
      400,
      'general_argument_invalid',
    ],
    [
      'a provider the project has not enabled',
      { provider: 'gitlab', success, failure },
      412,
      'project_provider_disabled',
    ],
    ['an unknown provider', { provider: 'myspace', success, failure }, 400, 'general_argument_invalid'],
  ])('answers %s with an HTML error page (%i %s)', async (_, { provider, ...query }, status, type) => {
    const response = await t.raw(`/account/tokens/oauth2/${provider}?${new URLSearchParams(query)}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain(type);
    // node-appwrite reports a non-redirect answer as AppwriteException('Invalid redirect', status).
    const error: unknown = await new Account(t.guest())
      .createOAuth2Token({ provider: provider as OAuthProvider, ...query })
      .then(
        () => 'no error',
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ message: 'Invalid redirect', code: status });
  });

  it('refuses a consent form whose redirect_uri is not the emulator callback (no open redirect)', async () => {
    const response = await fetch(
      `${t.running().origin}/_emulator/oauth2/github/authorize?${new URLSearchParams({ client_id: 'demo', redirect_uri: 'https://evil.example/steal', state: '{}' })}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('emulator rate limits', () => {
  const t = useEmulator('http');
  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    t.raw('/account/sessions/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email, password }),
    });

  it('allows 10 logins per email per hour, then 429 general_rate_limit_exceeded (not counted)', async () => {
    for (let i = 1; i <= 10; i++) {
      const response = await login('user-a@example.com', 'wrong-password');
      expect(response.status).toBe(401);
      expect(response.headers.get('x-ratelimit-limit')).toBe('10');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(10 - i));
    }
    const blocked = await login('user-a@example.com', 'password-a');
    expect(blocked.status).toBe(429);
    expect((await blocked.json()).type).toBe('general_rate_limit_exceeded');
    const reset = Number(blocked.headers.get('x-ratelimit-reset'));
    expect(reset % 3600).toBe(0);
    expect((await login('user-b@example.com', 'password-b')).status).toBe(201); // other key
    t.running().advanceClock(reset - t.running().context.clock.now() / 1000);
    expect((await login('user-a@example.com', 'password-a')).status).toBe(201); // next window
  });

  it('resets the login counter on a successful login (Appwrite 1.9 abuse-reset)', async () => {
    for (let i = 0; i < 9; i++) await login('user-a@example.com', 'wrong-password');
    expect((await login('user-a@example.com', 'password-a')).status).toBe(201);
    const after = await login('user-a@example.com', 'wrong-password');
    expect(after.headers.get('x-ratelimit-remaining')).toBe('9');
  });

  it('does not count API-key requests but still sends the headers', async () => {
    for (let i = 0; i < 15; i++) {
      const response = await login('user-c@example.com', 'wrong-password', { 'x-appwrite-key': API_KEY });
      expect(response.status).toBe(401);
      expect(response.headers.get('x-ratelimit-limit')).toBe('10');
    }
    expect((await login('user-c@example.com', 'password-c')).status).toBe(201);
  });

  it('keys anonymous sessions by client IP (50 per hour)', async () => {
    const anonymous = (ip: string) =>
      t.raw('/account/sessions/anonymous', { method: 'POST', headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 50; i++) expect((await anonymous('198.51.100.1')).status).toBe(201);
    expect((await anonymous('198.51.100.1')).status).toBe(429);
    expect((await anonymous('198.51.100.2')).status).toBe(201);
  });

  it('does not count requests rejected by the scope check', async () => {
    const { secret } = await new Account(t.admin()).createEmailPasswordSession({
      email: 'user-a@example.com',
      password: 'password-a',
    });
    const response = await t.raw('/account/jwts', { method: 'POST' });
    expect(response.status).toBe(401);
    const ok = await t.raw('/account/jwts', { method: 'POST', headers: { 'x-appwrite-session': secret } });
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('119');
  });
});

describe('emulator with rate limits switched off', () => {
  const t = useEmulator('http', { rateLimits: false });

  it('never answers 429', async () => {
    for (let i = 0; i < 12; i++) {
      const response = await t.raw('/account/sessions/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'user-a@example.com', password: 'wrong-password' }),
      });
      expect(response.status).toBe(401);
    }
  });
});

describe('emulator users API and general errors', () => {
  const t = useEmulator('http');

  it('lists, creates and gets users; 404 user_not_found for an unknown id', async () => {
    const users = new Users(t.admin());
    expect((await users.list()).total).toBe(3);
    const created = await users.create({
      userId: 'user-d',
      email: 'user-d@example.com',
      password: 'password-d',
      name: 'D',
    });
    expect(created).toMatchObject({ $id: 'user-d', hash: 'argon2', email: 'user-d@example.com' });
    expect(created.password).not.toContain('password-d');
    expect((await users.get({ userId: 'user-d' })).name).toBe('D');
    expect(
      (
        await users.list({
          queries: ['{"method":"equal","attribute":"email","values":["user-b@example.com"]}'],
        })
      ).users.map((u) => u.$id),
    ).toEqual(['user-b']);
    await expectAppwriteError(users.get({ userId: 'nobody' }), 404, 'user_not_found');
    expect((await users.list({ queries: ['{"method":"limit","values":[2]}'] })).users).toHaveLength(2);
    // The Users list checks its queries in the parameter validator, as Appwrite's does.
    await expectAppwriteError(users.list({ queries: ['{not json'] }), 400, 'general_argument_invalid');
    await expectAppwriteError(
      users.list({ queries: ['{"method":"limit","values":[0]}'] }),
      400,
      'general_argument_invalid',
    );
    await expectAppwriteError(users.create({ userId: 'user-a' }), 409, 'user_already_exists');
  });

  it("lists and deletes a user's sessions", async () => {
    const users = new Users(t.admin());
    const { secret } = await new Account(t.admin()).createEmailPasswordSession({
      email: 'user-a@example.com',
      password: 'password-a',
    });
    const list = await users.listSessions({ userId: 'user-a' });
    expect(list.total).toBe(1);
    expect(list.sessions[0]?.secret).toBe('');
    await users.deleteSessions({ userId: 'user-a' });
    expect((await users.listSessions({ userId: 'user-a' })).total).toBe(0);
    await expectAppwriteError(new Account(t.withSession(secret)).get(), 401, 'general_unauthorized_scope');
  });

  it('refuses the users API to guests and users (401 general_unauthorized_scope)', async () => {
    await expectAppwriteError(new Users(t.guest()).list(), 401, 'general_unauthorized_scope');
    const { secret } = await new Account(t.admin()).createEmailPasswordSession({
      email: 'user-a@example.com',
      password: 'password-a',
    });
    await expectAppwriteError(new Users(t.withSession(secret)).list(), 401, 'general_unauthorized_scope');
  });

  it.each([
    ['an unknown route', '/nothing-here', { 'X-Appwrite-Project': 'demo' }, 404, 'general_route_not_found'],
    ['an unknown project', '/account', { 'X-Appwrite-Project': 'nope' }, 404, 'project_not_found'],
  ])('answers %s with Appwrite-shaped JSON', async (_, path, headers, code, type) => {
    const response = await fetch(`${t.running().endpoint}${path}`, { headers });
    expect(response.status).toBe(code);
    expect(response.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    const body = await response.json();
    expect(body).toEqual({ message: expect.any(String), code, type, version: '1.9.6' });
  });

  it('serves /v1/health/version without a project', async () => {
    const response = await fetch(`${t.running().endpoint}/health/version`);
    expect(await response.json()).toEqual({ version: '1.9.6' });
  });

  it('control API: moves the clock and resets the seed, only with an API key', async () => {
    const control = (path: string, init: RequestInit = {}, key = API_KEY) =>
      fetch(`${t.running().origin}/_emulator${path}`, {
        ...init,
        headers: { 'x-appwrite-project': 'demo', 'x-appwrite-key': key, 'content-type': 'application/json' },
      });
    expect((await control('/clock', { method: 'POST', body: '{"advance":60}' }, 'wrong')).status).toBe(401);
    const before = t.running().context.clock.now();
    const moved = await control('/clock', { method: 'POST', body: '{"advance":3600}' });
    expect(Date.parse((await moved.json()).now) - before).toBeGreaterThanOrEqual(3_600_000);
    await new Users(t.admin()).create({ userId: 'temp', email: 'temp@example.com' });
    expect((await control('/reset', { method: 'POST' })).status).toBe(204);
    await expectAppwriteError(new Users(t.admin()).get({ userId: 'temp' }), 404, 'user_not_found');
  });
});
