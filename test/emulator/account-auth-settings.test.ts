// The project auth settings of the control API (`/_emulator/projects/:projectId/auth`) and the
// password and user-count rules they switch on.

import { Account, ID } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { API_KEY, expectAppwriteError, PROJECT, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator project auth settings', () => {
  const t = useEmulator('http');
  const authUrl = (projectId = PROJECT) => `${t.running().origin}/_emulator/projects/${projectId}/auth`;
  const keyHeaders = { 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY };
  const setAuth = async (settings: Record<string, unknown>) => {
    const response = await fetch(authUrl(), {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...keyHeaders },
      body: JSON.stringify(settings),
    });
    expect(response.status).toBe(200);
    return response.json();
  };

  describe('control API', () => {
    it('GET returns the defaults of a new Appwrite 1.9 project', async () => {
      const response = await fetch(authUrl(), { headers: keyHeaders });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        duration: 31_536_000,
        maxSessions: 10,
        limit: 0,
        passwordHistory: 0,
        passwordDictionary: false,
        personalDataCheck: false,
        invalidateSessions: true,
      });
    });

    it('PATCH changes only the settings given and returns them all', async () => {
      const updated = await setAuth({ maxSessions: 3, passwordDictionary: true });
      expect(updated).toMatchObject({ maxSessions: 3, passwordDictionary: true, duration: 31_536_000 });
      expect(await (await fetch(authUrl(), { headers: keyHeaders })).json()).toEqual(updated);
    });

    it.each([
      [{ maxSessions: 0 }, 'Invalid `maxSessions` param: Value must be a valid range between 1 and 100'],
      [
        { passwordHistory: 21 },
        'Invalid `passwordHistory` param: Value must be a valid range between 0 and 20',
      ],
      [{ invalidateSessions: 'yes' }, 'Invalid `invalidateSessions` param: Value must be a valid boolean'],
      [{ mfa: true }, 'Unknown auth setting "mfa".'],
    ])('PATCH %j is a 400 general_argument_invalid', async (settings, message) => {
      const response = await fetch(authUrl(), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...keyHeaders },
        body: JSON.stringify(settings),
      });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.type).toBe('general_argument_invalid');
      expect(body.message).toContain(message);
    });

    it('needs the API key of the project in the path', async () => {
      expect((await fetch(authUrl(), { headers: { 'x-appwrite-project': PROJECT } })).status).toBe(401);
      const other = await fetch(authUrl('another'), { headers: keyHeaders });
      expect(other.status).toBe(401);
      expect((await other.json()).type).toBe('user_unauthorized');
    });
  });

  describe('rules applied', () => {
    it('limit: sign-up and anonymous sessions stop at the user count', async () => {
      await setAuth({ limit: 4 });
      const guest = new Account(t.guest());
      await guest.create({ userId: ID.unique(), email: 'fourth@example.com', password: 'password-4' });
      await expectAppwriteError(
        guest.create({ userId: ID.unique(), email: 'fifth@example.com', password: 'password-5' }),
        400,
        'user_count_exceeded',
      );
      await expectAppwriteError(guest.createAnonymousSession(), 400, 'user_count_exceeded');
      await expectAppwriteError(
        guest.createEmailToken({ userId: ID.unique(), email: 'new@example.com' }),
        400,
        'user_count_exceeded',
      );
      // Existing users still sign in through email tokens.
      expectModel(
        'token',
        await guest.createEmailToken({ userId: ID.unique(), email: 'user-a@example.com' }),
      );
    });

    it('passwordDictionary: a common password is refused at sign-up and on change', async () => {
      await setAuth({ passwordDictionary: true });
      const error = await expectAppwriteError(
        new Account(t.guest()).create({ userId: ID.unique(), email: 'x@example.com', password: 'password' }),
        400,
        'general_argument_invalid',
      );
      expect(error.message).toBe(
        'Invalid `password` param: Password must be between 8 and 265 characters long, and should not be one of the commonly used password.',
      );
      const account = new Account(t.withSession((await t.login()).secret));
      await expectAppwriteError(
        account.updatePassword({ password: '12345678', oldPassword: 'password-a' }),
        400,
        'general_argument_invalid',
      );
      expectModel(
        'user',
        await account.updatePassword({ password: 'unusual-phrase', oldPassword: 'password-a' }),
      );
    });

    it('personalDataCheck: a password holding the name, email or ID is refused', async () => {
      await setAuth({ personalDataCheck: true });
      await expectAppwriteError(
        new Account(t.guest()).create({
          userId: 'jane-doe',
          email: 'jane@example.com',
          password: 'my-jane-doe-pass',
          name: 'Jane',
        }),
        400,
        'password_personal_data',
      );
      const account = new Account(t.withSession((await t.login()).secret));
      for (const password of ['USER-A-secret', 'x-user-a@example.com', 'my User A pass']) {
        await expectAppwriteError(
          account.updatePassword({ password, oldPassword: 'password-a' }),
          400,
          'password_personal_data',
        );
      }
      await account.updatePassword({ password: 'nothing-personal', oldPassword: 'password-a' });
    });

    it('passwordHistory: the last N passwords cannot be reused, through change and recovery', async () => {
      await setAuth({ passwordHistory: 2 });
      const guest = new Account(t.guest());
      await guest.create({ userId: 'hist', email: 'hist@example.com', password: 'first-pass' });
      const session = await new Account(t.admin()).createEmailPasswordSession({
        email: 'hist@example.com',
        password: 'first-pass',
      });
      const account = new Account(t.withSession(session.secret));
      await expectAppwriteError(
        account.updatePassword({ password: 'first-pass', oldPassword: 'first-pass' }),
        400,
        'password_recently_used',
      );
      await account.updatePassword({ password: 'second-pass', oldPassword: 'first-pass' });
      await account.updatePassword({ password: 'third-pass', oldPassword: 'second-pass' });
      // Only the last two are remembered: the first may come back.
      await expectAppwriteError(
        account.updatePassword({ password: 'second-pass', oldPassword: 'third-pass' }),
        400,
        'password_recently_used',
      );
      const token = await new Account(t.admin()).createRecovery({
        email: 'hist@example.com',
        url: 'http://localhost/r',
      });
      await expectAppwriteError(
        guest.updateRecovery({ userId: 'hist', secret: token.secret, password: 'third-pass' }),
        400,
        'password_recently_used',
      );
      await account.updatePassword({ password: 'first-pass', oldPassword: 'third-pass' });
    });
  });
});
