import { Account, ID, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import {
  API_KEY,
  cookiesOf,
  cookieValue,
  DESKTOP_CHROME,
  decodeSecret,
  expectAppwriteError,
  MOBILE_CHROME,
  PROTOCOLS,
  useEmulator,
} from './helpers.ts';

describe.each(PROTOCOLS)('emulator account API over %s (node-appwrite)', (protocol) => {
  const t = useEmulator(protocol);
  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  describe('POST /v1/account', () => {
    it('creates an account (201) without a session, with an email target', async () => {
      const user = await new Account(t.guest()).create({
        userId: ID.unique(),
        email: 'New@Example.com',
        password: 'correct horse',
        name: 'New',
      });
      expect(user).toMatchObject({
        email: 'new@example.com',
        name: 'New',
        status: true,
        labels: [],
        emailVerification: false,
      });
      expect(user.targets[0]).toMatchObject({ providerType: 'email', identifier: 'new@example.com' });
      expect(user).not.toHaveProperty('password');
      expect(user.$id).toMatch(/^[0-9a-f]{20}$/);
      const raw = await t.raw(
        '/account',
        json({ userId: 'unique()', email: 'x@example.com', password: 'password-x' }),
      );
      expect(raw.status).toBe(201);
      expect(raw.headers.getSetCookie()).toEqual([]);
    });

    it('returns 409 user_already_exists for a taken email or id', async () => {
      const account = new Account(t.guest());
      await expectAppwriteError(
        account.create({ userId: ID.unique(), email: 'USER-A@example.com', password: 'whatever1' }),
        409,
        'user_already_exists',
      );
      await expectAppwriteError(
        account.create({ userId: 'user-b', email: 'fresh@example.com', password: 'whatever1' }),
        409,
        'user_already_exists',
      );
    });

    it.each([
      [
        { userId: 'unique()', email: 'a@example.com', password: 'short' },
        'Invalid `password` param: Password must be between 8 and 256 characters long.',
      ],
      [
        { userId: 'unique()', email: 'not-an-email', password: 'long enough' },
        'Invalid `email` param: Value must be a valid email address',
      ],
      [{ userId: 'unique()', password: 'long enough' }, 'Param "email" is not optional.'],
      [
        { userId: '_bad', email: 'a@example.com', password: 'long enough' },
        expect.stringContaining('Invalid `userId` param'),
      ],
    ])('returns 400 general_argument_invalid for %j', async (body, message) => {
      const response = await t.raw('/account', json(body));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        message,
        code: 400,
        type: 'general_argument_invalid',
        version: '1.9.6',
      });
    });

    it('returns 400 (not 500) for a body that is not JSON', async () => {
      const response = await t.raw('/account', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(response.status).toBe(400);
      expect((await response.json()).type).toBe('general_argument_invalid');
    });
  });

  describe('POST /v1/account/sessions/email', () => {
    it('returns the encoded secret only to an API key, and the session works with setSession', async () => {
      const session = await t.login('a');
      expect(session).toMatchObject({
        userId: 'user-a',
        provider: 'email',
        providerUid: 'user-a@example.com',
        current: true,
      });
      expect(session.factors).toEqual(['password']);
      const decoded = decodeSecret(session.secret);
      expect(decoded.id).toBe('user-a');
      expect(decoded.secret).toMatch(/^[0-9a-f]{256}$/);
      expect(Date.parse(session.expire) - Date.parse(session.$createdAt)).toBe(31_536_000_000);
      expect(session.expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      const me = await new Account(t.withSession(session.secret)).get();
      expect(me.$id).toBe('user-a');
    });

    it('sets both cookies and X-Fallback-Cookies for a keyless server-side login, with an empty secret', async () => {
      const response = await t.raw(
        '/account/sessions/email',
        json({ email: 'user-b@example.com', password: 'password-b' }),
      );
      expect(response.status).toBe(201);
      expect((await response.json()).secret).toBe('');
      const cookies = cookiesOf(response);
      const main = cookies.get('a_session_demo') ?? '';
      const legacy = cookies.get('a_session_demo_legacy') ?? '';
      expect(decodeSecret(cookieValue(main)).id).toBe('user-b');
      expect(cookieValue(legacy)).toBe(cookieValue(main));
      expect(main).toMatch(/; HttpOnly/);
      expect(main).toMatch(/; SameSite=None/);
      expect(legacy).not.toMatch(/SameSite/);
      expect(main).not.toMatch(/Domain=/); // localhost and IPs get no Domain
      if (protocol === 'https') expect(main).toMatch(/; Secure/);
      else expect(main).not.toMatch(/Secure/);
      const fallback = JSON.parse(response.headers.get('x-fallback-cookies') ?? '{}') as Record<
        string,
        string
      >;
      expect(fallback.a_session_demo).toBe(decodeURIComponent(cookieValue(main)));
    });

    it('omits X-Fallback-Cookies when the Origin is on the API host', async () => {
      const origin = new URL(t.running().origin);
      const response = await t.raw('/account/sessions/email', {
        ...json({ email: 'user-b@example.com', password: 'password-b' }),
        headers: {
          'content-type': 'application/json',
          origin: `${origin.protocol}//${origin.hostname}:3000`,
        },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-fallback-cookies')).toBeNull();
    });

    it('returns 403 general_unknown_origin for a browser write from an unregistered origin', async () => {
      const response = await t.raw('/account/sessions/email', {
        ...json({ email: 'user-b@example.com', password: 'password-b' }),
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      });
      expect(response.status).toBe(403);
      expect((await response.json()).type).toBe('general_unknown_origin');
    });

    it.each([
      ['a wrong password', 'user-a@example.com', 'password-b'],
      ['an unknown email', 'nobody@example.com', 'password-a'],
    ])('returns 401 user_invalid_credentials for %s', async (_, email, password) => {
      await expectAppwriteError(
        new Account(t.admin()).createEmailPasswordSession({ email, password }),
        401,
        'user_invalid_credentials',
      );
    });

    it('returns 403 user_blocked for a blocked user with the right password', async () => {
      await new Users(t.admin()).updateStatus({ userId: 'user-c', status: false });
      await expectAppwriteError(t.login('c'), 403, 'user_blocked');
    });

    it('rejects a caller who already has a session: 401 user_session_already_exists', async () => {
      const { secret } = await t.login('a');
      const { jwt } = await t.jwtFor('b');
      for (const client of [t.withSession(secret), t.withJwt(jwt)]) {
        await expectAppwriteError(
          new Account(client).createEmailPasswordSession({
            email: 'user-c@example.com',
            password: 'password-c',
          }),
          401,
          'user_session_already_exists',
        );
        await expectAppwriteError(
          new Account(client).createAnonymousSession(),
          401,
          'user_session_already_exists',
        );
      }
      const cookie = await t.raw('/account/sessions/anonymous', {
        method: 'POST',
        headers: { cookie: `a_session_demo=${encodeURIComponent(secret)}` },
      });
      expect(cookie.status).toBe(401);
      expect((await cookie.json()).type).toBe('user_session_already_exists');
    });

    it('keeps at most 10 sessions per user, deleting the oldest', async () => {
      const first = await t.login('a');
      for (let i = 0; i < 10; i++) await t.login('a');
      const { sessions, total } = await new Users(t.admin()).listSessions({ userId: 'user-a' });
      expect(total).toBe(10);
      expect(sessions.map((s) => s.$id)).not.toContain(first.$id);
      await expectAppwriteError(
        new Account(t.withSession(first.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
    });

    it('derives client fields from X-Forwarded-User-Agent only when an API key is present', async () => {
      const withKey = await new Account(
        t.admin().setForwardedUserAgent(MOBILE_CHROME),
      ).createEmailPasswordSession({
        email: 'user-a@example.com',
        password: 'password-a',
      });
      expect(withKey).toMatchObject({
        clientName: 'Chrome Mobile',
        clientCode: 'CM',
        osName: 'Android',
        deviceName: 'smartphone',
      });
      const keyless = await t.raw('/account/sessions/email', {
        ...json({ email: 'user-a@example.com', password: 'password-a' }),
        headers: {
          'content-type': 'application/json',
          'user-agent': DESKTOP_CHROME,
          'x-forwarded-user-agent': MOBILE_CHROME,
        },
      });
      expect(await keyless.json()).toMatchObject({
        clientName: 'Chrome',
        clientCode: 'CH',
        osCode: 'WIN',
        clientVersion: '70.0',
      });
    });

    it('records the first X-Forwarded-For address as the session IP', async () => {
      const response = await t.raw('/account/sessions/email', {
        ...json({ email: 'user-a@example.com', password: 'password-a' }),
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
      });
      expect((await response.json()).ip).toBe('203.0.113.7');
    });
  });

  describe('GET /v1/account and credential resolution', () => {
    it("returns 401 general_unauthorized_scope with Appwrite's message for a guest and for an API key", async () => {
      const guest = await expectAppwriteError(
        new Account(t.guest()).get(),
        401,
        'general_unauthorized_scope',
      );
      expect(guest.message).toBe('User (role: guests) missing scopes (["account"])');
      const key = await expectAppwriteError(new Account(t.admin()).get(), 401, 'general_unauthorized_scope');
      expect(key.message).toMatch(
        /^app\.demo@service\.(localhost|127\.0\.0\.1) \(role: applications\) missing scopes \(\["account"\]\)$/,
      );
    });

    it('accepts the session cookie, the _legacy cookie, X-Appwrite-Session and X-Fallback-Cookies', async () => {
      const { secret } = await t.login('b');
      const variants: [Record<string, string>, string][] = [
        [{ cookie: `a_session_demo=${encodeURIComponent(secret)}` }, 'false'],
        [{ cookie: `a_session_demo_legacy=${encodeURIComponent(secret)}` }, 'false'],
        [{ 'x-appwrite-session': secret }, 'false'],
        [{ 'x-fallback-cookies': JSON.stringify({ a_session_demo: secret }) }, 'true'],
      ];
      for (const [headers, fallback] of variants) {
        const response = await t.raw('/account', { headers });
        expect(response.status, JSON.stringify(headers)).toBe(200);
        expect((await response.json()).$id).toBe('user-b');
        expect(response.headers.get('x-debug-fallback')).toBe(fallback);
      }
    });

    it('prefers the cookie over X-Appwrite-Session', async () => {
      const a = await t.login('a');
      const b = await t.login('b');
      const response = await t.raw('/account', {
        headers: { cookie: `a_session_demo=${encodeURIComponent(a.secret)}`, 'x-appwrite-session': b.secret },
      });
      expect((await response.json()).$id).toBe('user-a');
    });

    it.each([
      ['garbage', 'not base64 at all!'],
      ['valid base64 of non-JSON', Buffer.from('hello').toString('base64')],
      [
        'a wrong secret',
        Buffer.from(JSON.stringify({ id: 'user-a', secret: 'f'.repeat(256) })).toString('base64'),
      ],
    ])('treats %s as a guest (401 general_unauthorized_scope, never 500)', async (_, value) => {
      const response = await t.raw('/account', { headers: { 'x-appwrite-session': value } });
      expect(response.status).toBe(401);
      expect((await response.json()).type).toBe('general_unauthorized_scope');
    });

    it('lets an API key win over a session sent with it (Appwrite 1.9)', async () => {
      const { secret } = await t.login('a');
      const error = await expectAppwriteError(
        new Account(t.admin().setSession(secret)).get(),
        401,
        'general_unauthorized_scope',
      );
      expect(error.message).toContain('(role: applications)');
    });

    it('returns 401 user_unauthorized for an unknown API key', async () => {
      await expectAppwriteError(new Users(t.guest().setKey('wrong-key')).list(), 401, 'user_unauthorized');
    });

    it('expires sessions after the project session length (1 year)', async () => {
      const { secret } = await t.login('a');
      t.running().advanceClock(31_536_000 + 1);
      await expectAppwriteError(new Account(t.withSession(secret)).get(), 401, 'general_unauthorized_scope');
    });

    it("returns 403 user_blocked for a blocked user's existing session", async () => {
      const { secret } = await t.login('a');
      await new Users(t.admin()).updateStatus({ userId: 'user-a', status: false });
      await expectAppwriteError(new Account(t.withSession(secret)).get(), 403, 'user_blocked');
    });
  });

  describe('guest sessions and upgrades', () => {
    it('creates an anonymous session and upgrades it with PATCH /account/password then /account/email', async () => {
      const guest = await new Account(t.admin()).createAnonymousSession();
      expect(guest).toMatchObject({ provider: 'anonymous', factors: ['anonymous'] });
      const account = new Account(t.withSession(guest.secret));
      const before = await account.get();
      expect(before).toMatchObject({ email: '', passwordUpdate: '', name: '' });
      await account.updatePassword({ password: 'guest-password' });
      const after = await account.updateEmail({ email: 'Upgraded@example.com', password: 'guest-password' });
      expect(after).toMatchObject({ $id: before.$id, email: 'upgraded@example.com' });
      const login = await new Account(t.admin()).createEmailPasswordSession({
        email: 'upgraded@example.com',
        password: 'guest-password',
      });
      expect(login.userId).toBe(before.$id);
    });

    it('lets a guest set email and password in one PATCH /account/email', async () => {
      const guest = await new Account(t.admin()).createAnonymousSession();
      const account = new Account(t.withSession(guest.secret));
      const user = await account.updateEmail({ email: 'one-step@example.com', password: 'one-step-pw' });
      expect(user.passwordUpdate).not.toBe('');
      const login = await t.raw(
        '/account/sessions/email',
        json({ email: 'one-step@example.com', password: 'one-step-pw' }),
      );
      expect(login.status).toBe(201);
    });

    it('requires the current password to change email or password once one is set', async () => {
      const { secret } = await t.login('a');
      const account = new Account(t.withSession(secret));
      await expectAppwriteError(
        account.updateEmail({ email: 'new-a@example.com', password: 'wrong-password' }),
        401,
        'user_invalid_credentials',
      );
      await expectAppwriteError(
        account.updatePassword({ password: 'new-password' }),
        401,
        'user_invalid_credentials',
      );
      await expectAppwriteError(
        account.updateEmail({ email: 'user-b@example.com', password: 'password-a' }),
        409,
        'user_email_already_exists',
      );
      await account.updatePassword({ password: 'new-password', oldPassword: 'password-a' });
      await expectAppwriteError(t.login('a'), 401, 'user_invalid_credentials');
    });
  });

  describe('token sessions', () => {
    it('exchanges a users.createToken secret once (POST /account/sessions/token)', async () => {
      const token = await new Users(t.admin()).createToken({ userId: 'user-b', length: 12 });
      expect(token.secret).toHaveLength(12);
      const session = await new Account(t.admin()).createSession({ userId: 'user-b', secret: token.secret });
      expect(session).toMatchObject({ userId: 'user-b', provider: 'token', factors: ['token'] });
      await expectAppwriteError(
        new Account(t.admin()).createSession({ userId: 'user-b', secret: token.secret }),
        401,
        'user_invalid_token',
      );
    });

    it('returns 401 user_invalid_token for an expired token or an unknown user', async () => {
      const token = await new Users(t.admin()).createToken({ userId: 'user-b', expire: 60 });
      t.running().advanceClock(61);
      await expectAppwriteError(
        new Account(t.admin()).createSession({ userId: 'user-b', secret: token.secret }),
        401,
        'user_invalid_token',
      );
      await expectAppwriteError(
        new Account(t.admin()).createSession({ userId: 'nobody', secret: 'whatever' }),
        401,
        'user_invalid_token',
      );
    });
  });

  describe('listing and deleting sessions', () => {
    it('lists sessions oldest first with `current` and empty secrets', async () => {
      const first = await t.login('a');
      const second = await t.login('a');
      const list = await new Account(t.withSession(second.secret)).listSessions();
      expect(list.total).toBe(2);
      expect(list.sessions.map((s) => [s.$id, s.current, s.secret])).toEqual([
        [first.$id, false, ''],
        [second.$id, true, ''],
      ]);
      expect(list.sessions[0]).toMatchObject({ countryCode: '--', countryName: 'Unknown' });
      const current = await new Account(t.withSession(second.secret)).getSession({ sessionId: 'current' });
      expect(current.$id).toBe(second.$id);
    });

    it('deletes the current session, clears both cookies, and the credential stops working', async () => {
      const { secret } = await t.login('a');
      const response = await t.raw('/account/sessions/current', {
        method: 'DELETE',
        headers: { cookie: `a_session_demo=${encodeURIComponent(secret)}` },
      });
      expect(response.status).toBe(204);
      const cookies = cookiesOf(response);
      expect(cookies.get('a_session_demo')).toMatch(/^a_session_demo=deleted;.*Expires=Thu, 01 Jan 1970/);
      expect(cookies.get('a_session_demo_legacy')).toMatch(/^a_session_demo_legacy=deleted;/);
      expect(response.headers.get('x-fallback-cookies')).toBe('[]');
      await expectAppwriteError(new Account(t.withSession(secret)).get(), 401, 'general_unauthorized_scope');
    });

    it("deletes another session by id without touching the caller's cookies", async () => {
      const keep = await t.login('a');
      const other = await t.login('a');
      await new Account(t.withSession(keep.secret)).deleteSession({ sessionId: other.$id });
      await expectAppwriteError(
        new Account(t.withSession(other.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
      expect((await new Account(t.withSession(keep.secret)).get()).$id).toBe('user-a');
      await expectAppwriteError(
        new Account(t.withSession(keep.secret)).deleteSession({ sessionId: 'no-such-session' }),
        404,
        'user_session_not_found',
      );
    });

    it('deletes every session with DELETE /account/sessions', async () => {
      const a = await t.login('a');
      const b = await t.login('a');
      await new Account(t.withSession(a.secret)).deleteSessions();
      await expectAppwriteError(
        new Account(t.withSession(b.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
    });
  });

  it('keeps the API key header out of every response', async () => {
    const response = await t.raw('/users', { headers: { 'x-appwrite-key': API_KEY } });
    expect(response.status).toBe(200);
    expect(JSON.stringify([...response.headers])).not.toContain(API_KEY);
  });
});
