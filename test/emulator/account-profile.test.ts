// Account profile updates (name, password, email, phone, prefs, status), logs and identities,
// as Appwrite 1.9.6's Account e2e suites exercise them.

import { Account, ID } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { cookiesOf, expectAppwriteError, PROJECT, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator account profile (node-appwrite)', () => {
  const t = useEmulator('http');
  const accountOf = async (letter = 'a') => {
    const session = await t.login(letter);
    return { session, account: new Account(t.withSession(session.secret)) };
  };

  describe('PATCH /v1/account/name', () => {
    it('renames the account (200 user model)', async () => {
      const { account } = await accountOf();
      const user = await account.updateName({ name: 'Lorem' });
      expectModel('user', user);
      expect(user).toMatchObject({ $id: 'user-a', name: 'Lorem', email: 'user-a@example.com' });
      expect((await account.get()).name).toBe('Lorem');
    });

    it('returns 400 for a missing or 129-character name and 401 for a guest', async () => {
      const { account } = await accountOf();
      const missing = await t.raw('/account/name', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-appwrite-session': (await t.login()).secret },
        body: '{}',
      });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ message: 'Param "name" is not optional.' });
      await expectAppwriteError(
        account.updateName({ name: 'x'.repeat(129) }),
        400,
        'general_argument_invalid',
      );
      await expectAppwriteError(
        new Account(t.guest()).updateName({ name: 'Lorem' }),
        401,
        'general_unauthorized_scope',
      );
    });
  });

  describe('PATCH /v1/account/password', () => {
    it('changes the password with the right oldPassword; the new one signs in, the old does not', async () => {
      const { account } = await accountOf();
      const user = await account.updatePassword({ password: 'new-password', oldPassword: 'password-a' });
      expectModel('user', user);
      expect(user.passwordUpdate).not.toBe('');
      const guest = new Account(t.admin());
      await expectAppwriteError(
        guest.createEmailPasswordSession({ email: 'user-a@example.com', password: 'password-a' }),
        401,
        'user_invalid_credentials',
      );
      const session = await guest.createEmailPasswordSession({
        email: 'user-a@example.com',
        password: 'new-password',
      });
      expect(session.userId).toBe('user-a');
    });

    it('returns 401 user_invalid_credentials for a wrong or missing oldPassword, 400 without password', async () => {
      const { account } = await accountOf();
      await expectAppwriteError(
        account.updatePassword({ password: 'new-password', oldPassword: 'wrong-password' }),
        401,
        'user_invalid_credentials',
      );
      await expectAppwriteError(
        account.updatePassword({ password: 'new-password' }),
        401,
        'user_invalid_credentials',
      );
      await expectAppwriteError(
        account.updatePassword({ password: 'short', oldPassword: 'password-a' }),
        400,
        'general_argument_invalid',
      );
    });

    it('lets a user without a password (anonymous) set one without oldPassword', async () => {
      const anonymous = await new Account(t.admin()).createAnonymousSession();
      const account = new Account(t.withSession(anonymous.secret));
      const user = await account.updatePassword({ password: 'first-password' });
      expect(user.passwordUpdate).not.toBe('');
    });

    it('ends every other session of the user by default (invalidateSessions)', async () => {
      const { session, account } = await accountOf();
      const other = await t.login();
      const third = await t.login();
      await account.updatePassword({ password: 'new-password', oldPassword: 'password-a' });
      const list = await account.listSessions();
      expectModel('sessionList', list);
      expect(list.sessions.map((s) => s.$id)).toEqual([session.$id]);
      expect(list.sessions[0]?.current).toBe(true);
      for (const ended of [other, third]) {
        await expectAppwriteError(
          account.getSession({ sessionId: ended.$id }),
          404,
          'user_session_not_found',
        );
        await expectAppwriteError(
          new Account(t.withSession(ended.secret)).get(),
          401,
          'general_unauthorized_scope',
        );
      }
    });

    it('keeps the other sessions when the project turns invalidateSessions off', async () => {
      expect((await t.setAuth({ invalidateSessions: false })).status).toBe(200);
      const { account } = await accountOf();
      const other = await t.login();
      await account.updatePassword({ password: 'new-password', oldPassword: 'password-a' });
      expect((await account.getSession({ sessionId: other.$id })).$id).toBe(other.$id);
      expect((await account.listSessions()).total).toBe(2);
    });
  });

  describe('PATCH /v1/account/email', () => {
    it('changes the email with the password and resets emailVerification', async () => {
      const { account } = await accountOf();
      const user = await account.updateEmail({ email: 'Renamed@Example.com', password: 'password-a' });
      expectModel('user', user);
      expect(user).toMatchObject({ email: 'renamed@example.com', emailVerification: false });
      expect(user.targets.find((target) => target.providerType === 'email')?.identifier).toBe(
        'renamed@example.com',
      );
      // The old address is free again.
      const created = await new Account(t.guest()).create({
        userId: ID.unique(),
        email: 'user-a@example.com',
        password: 'password-z',
      });
      expect(created.email).toBe('user-a@example.com');
    });

    it('returns 401 for a wrong password, 409 for a taken email, 400 without parameters', async () => {
      const { account } = await accountOf();
      await expectAppwriteError(
        account.updateEmail({ email: 'x@example.com', password: 'wrong-password' }),
        401,
        'user_invalid_credentials',
      );
      await expectAppwriteError(
        account.updateEmail({ email: 'user-b@example.com', password: 'password-a' }),
        409,
        'user_email_already_exists',
      );
      const raw = await t.raw('/account/email', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-appwrite-session': (await t.login()).secret },
        body: '[]',
      });
      expect(raw.status).toBe(400);
    });

    it('converts an anonymous account: email and password set, then an email session works', async () => {
      const anonymous = await new Account(t.admin()).createAnonymousSession();
      const account = new Account(t.withSession(anonymous.secret));
      await expectAppwriteError(
        account.updateEmail({ email: 'user-b@example.com', password: 'new-password' }),
        409,
        'user_email_already_exists',
      );
      const user = await account.updateEmail({ email: 'converted@example.com', password: 'new-password' });
      expect(user).toMatchObject({ $id: anonymous.userId, email: 'converted@example.com' });
      const session = await new Account(t.admin()).createEmailPasswordSession({
        email: 'converted@example.com',
        password: 'new-password',
      });
      expect(session.userId).toBe(anonymous.userId);
    });
  });

  describe('PATCH /v1/account/phone', () => {
    it('sets the phone with the password (phoneVerification false)', async () => {
      const { account } = await accountOf();
      const user = await account.updatePhone({ phone: '+45632569856', password: 'password-a' });
      expectModel('user', user);
      expect(user).toMatchObject({ phone: '+45632569856', phoneVerification: false });
    });

    it('returns 400 for a malformed number, 401 for a wrong password, 409 for a taken number', async () => {
      const { account } = await accountOf();
      const error = await expectAppwriteError(
        account.updatePhone({ phone: '0123', password: 'password-a' }),
        400,
        'general_argument_invalid',
      );
      expect(error.message).toBe(
        "Invalid `phone` param: Phone number must start with a '+' can have a maximum of fifteen digits.",
      );
      await expectAppwriteError(
        account.updatePhone({ phone: '+45632569856', password: 'wrong-password' }),
        401,
        'user_invalid_credentials',
      );
      await new Account(t.withSession((await t.login('b')).secret)).updatePhone({
        phone: '+45632569856',
        password: 'password-b',
      });
      await expectAppwriteError(
        account.updatePhone({ phone: '+45632569856', password: 'password-a' }),
        409,
        'user_phone_already_exists',
      );
    });
  });

  describe('GET and PATCH /v1/account/prefs', () => {
    it('starts empty, stores an object as given and returns it', async () => {
      const { account } = await accountOf();
      const empty = await account.getPrefs();
      expectModel('preferences', empty);
      expect(empty).toEqual({});
      const user = await account.updatePrefs({ prefs: { prefKey1: 'prefValue1', nested: { n: 1 } } });
      expectModel('user', user);
      expect(user.prefs).toEqual({ prefKey1: 'prefValue1', nested: { n: 1 } });
      expect(await account.getPrefs()).toEqual({ prefKey1: 'prefValue1', nested: { n: 1 } });
      await account.updatePrefs({ prefs: { other: true } });
      expect(await account.getPrefs()).toEqual({ other: true });
    });

    it.each([
      ['a JSON string', '{}'],
      ['a JSON list string', '[]'],
      ['a list', ['a']],
      ['an object over 64 kB', { longValue: '-'.repeat(100_000) }],
      ['an object over 64 kB once escaped', { longValue: '\u{1F370}'.repeat(10_000) }],
    ])('returns 400 general_argument_invalid for %s', async (_name, prefs) => {
      const { account } = await accountOf();
      const error = await expectAppwriteError(
        account.updatePrefs({ prefs: prefs as Record<string, unknown> }),
        400,
        'general_argument_invalid',
      );
      expect(error.message).toBe('Invalid `prefs` param: Value must be a valid object.');
    });
  });

  describe('PATCH /v1/account/status', () => {
    it('blocks the account: cookies cleared, sessions ended, sign-in refused', async () => {
      const { session } = await accountOf();
      const response = await t.raw('/account/status', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-appwrite-session': session.secret },
        body: '{}',
      });
      expect(response.status).toBe(200);
      const user = await response.json();
      expectModel('user', user);
      expect(user).toMatchObject({ $id: 'user-a', status: false });
      expect(cookiesOf(response).get(`a_session_${PROJECT}`)).toContain(`a_session_${PROJECT}=deleted`);
      expect(response.headers.get('x-fallback-cookies')).toBe('[]');
      await expectAppwriteError(
        new Account(t.withSession(session.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
      await expectAppwriteError(t.login(), 403, 'user_blocked');
    });
  });

  describe('GET /v1/account/logs and /v1/account/identities', () => {
    it('returns an empty logList and identityList', async () => {
      const { account } = await accountOf();
      const logs = await account.listLogs({ queries: ['{"method":"limit","values":[1]}'] });
      expectModel('logList', logs);
      expect(logs).toEqual({ total: 0, logs: [] });
      const identities = await account.listIdentities();
      expectModel('identityList', identities);
      expect(identities).toEqual({ total: 0, identities: [] });
      await expectAppwriteError(
        account.deleteIdentity({ identityId: 'missing' }),
        404,
        'user_identity_not_found',
      );
      await expectAppwriteError(new Account(t.guest()).listLogs(), 401, 'general_unauthorized_scope');
    });
  });
});
