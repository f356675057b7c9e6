// The library as a user mounts it: a plain `hono` app with no `onError` of its own, the auth routes
// at a prefix of the user's choice, and appwriteAuth in front of routes of their own.
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { Hono } from 'hono';
import { type AppwriteAuthEnv, appwriteAuth, authRoutes, getAuth, getUser } from 'hono-appwrite';
import { TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';
import { Jar } from '../support/scenario.ts';

const ORIGIN = 'http://127.0.0.1:8787';
const BEARER_CHALLENGE = 'Bearer realm="appwrite"';
const INVALID_TOKEN = 'Bearer realm="appwrite", error="invalid_token"';

describe('hono-appwrite in a plain Hono app without onError', () => {
  let emulator: AppwriteEmulator;
  let app: Hono<AppwriteAuthEnv>;
  let reached = 0;

  beforeAll(async () => {
    emulator = await startAppwriteEmulator({ port: 0, rateLimits: false });
    const endpoint = emulator.endpoint;
    app = new Hono<AppwriteAuthEnv>();
    app.route(
      '/account',
      authRoutes({
        endpoint,
        projectId: PROJECT,
        apiKey: API_KEY,
        oauthProviders: ['github'],
        rateLimit: false,
      }),
    );
    app.use('/api/*', appwriteAuth({ endpoint, projectId: PROJECT }));
    app.get('/api/me', async (c) => {
      reached++;
      return c.json({ kind: getAuth(c).kind, user: await getUser(c) });
    });
    app.get('/api/rows', async (c) => {
      const { rows } = await new TablesDB(c.var.appwrite.client).listRows({
        databaseId: DATABASE,
        tableId: BIRTHDAYS,
      });
      return c.json(rows.map((row) => row.$id));
    });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  const request = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);
  const login = (email: string, password: string) =>
    request('/account/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ email, password }),
    });
  const expectJsonError = async (response: Response, status: number, type: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ code: status, type });
  };

  it('refuses a request without a credential with 401 JSON and a Bearer challenge, before the route', async () => {
    const before = reached;
    const response = await request('/api/me');
    await expectJsonError(response, 401, 'user_unauthorized');
    expect(response.headers.get('www-authenticate')).toBe(BEARER_CHALLENGE);
    expect(reached).toBe(before);
  });

  it('signs in at the chosen prefix and reads the user with the session cookie', async () => {
    const response = await login('user-a@example.com', 'password-a');
    expect(response.status).toBe(200);
    const jar = new Jar();
    jar.absorb(response);
    const me = await request('/api/me', { headers: { cookie: jar.header() } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: 'session', user: { $id: 'user-a' } });
  });

  it("answers Appwrite's own refusal of a sign-in as JSON, keeping its type", async () => {
    await expectJsonError(
      await login('user-a@example.com', 'wrong-password'),
      401,
      'user_invalid_credentials',
    );
  });

  it('answers a well-formed JWT Appwrite refuses with 401 JSON and the invalid_token challenge', async () => {
    const forged = `${btoa('{"alg":"HS256"}')}.${btoa('{"userId":"user-a","exp":9999999999}')}.c2ln`.replace(
      /=/g,
      '',
    );
    const response = await request('/api/rows', { headers: { authorization: `Bearer ${forged}` } });
    await expectJsonError(response, 401, 'user_jwt_invalid');
    expect(response.headers.get('www-authenticate')).toBe(INVALID_TOKEN);
  });

  it("reads only the signed-in user's rows through c.var.appwrite.client", async () => {
    const jar = new Jar();
    jar.absorb(await login('user-a@example.com', 'password-a'));
    const asA = await request('/api/rows', { headers: { cookie: jar.header() } });
    const other = new Jar();
    other.absorb(await login('user-b@example.com', 'password-b'));
    const asB = await request('/api/rows', { headers: { cookie: other.header() } });
    const rowsOfA = (await asA.json()) as string[];
    const rowsOfB = (await asB.json()) as string[];
    expect(rowsOfA.length).toBeGreaterThan(0);
    expect(rowsOfA.filter((id) => rowsOfB.includes(id))).toEqual([]);
  });

  it('starts OAuth with return URLs under the chosen prefix', async () => {
    const response = await request('/account/oauth/github?next=/api/me');
    expect(response.status).toBe(302);
    // The emulator's provider URL carries Appwrite's state: {success, failure, token}.
    const state = new URL(response.headers.get('location') ?? '').searchParams.get('state') ?? '{}';
    const urls = JSON.parse(state) as { success: string; failure: string };
    const success = new URL(urls.success);
    const failure = new URL(urls.failure);
    expect(`${success.origin}${success.pathname}`).toBe(`${ORIGIN}/account/oauth/callback`);
    expect(`${failure.origin}${failure.pathname}`).toBe(`${ORIGIN}/account/oauth/failure`);
  });

  it('sends a failed form sign-in back to the login page with the error type', async () => {
    const response = await request('/account/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: new URLSearchParams({ email: 'user-a@example.com', password: 'wrong-password' }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?error=user_invalid_credentials');
  });

  it('refuses a cross-origin sign-in with 403 JSON', async () => {
    const response = await request('/account/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
    });
    await expectJsonError(response, 403, 'general_unknown_origin');
  });

  it('throws an Error naming a bad option when the routes are built', () => {
    expect(() =>
      authRoutes({
        endpoint: emulator.endpoint,
        projectId: PROJECT,
        apiKey: API_KEY,
        loginPath: '//evil.example',
      }),
    ).toThrow(new Error('authRoutes: `loginPath` must be a path such as `/login`'));
    expect(() => authRoutes({ endpoint: emulator.endpoint, projectId: PROJECT, apiKey: '' })).toThrow(
      new Error('authRoutes: `apiKey` must be an Appwrite API key'),
    );
  });
});
