// The Account email flows — verification, password recovery, magic URL and email OTP — read back
// from the maildev-style outbox the way Appwrite's own e2e tests read maildev.

import { Account, ID, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

interface MaildevEmail {
  id: string;
  subject: string;
  to: { address: string; name: string }[];
  html: string;
  text: string;
}

describe('emulator account email flows (node-appwrite)', () => {
  const t = useEmulator('http');
  const emails = async (): Promise<MaildevEmail[]> =>
    (await (await fetch(`${t.running().origin}/_emulator/maildev/email`)).json()) as MaildevEmail[];
  const lastEmail = async (): Promise<MaildevEmail> => {
    const all = await emails();
    const last = all.at(-1);
    if (!last) throw new Error('no email in the outbox');
    return last;
  };
  /** The query parameters of the first link in an HTML body (entities decoded, as a browser would). */
  const linkParams = (html: string): Record<string, string> => {
    const href = /href="([^"]+)"/.exec(html)?.[1] ?? '';
    return Object.fromEntries(new URL(href.replaceAll('&amp;', '&')).searchParams);
  };
  const sessionOf = async (letter = 'a') => new Account(t.withSession((await t.login(letter)).secret));

  describe('email verification', () => {
    it('mails a link with userId, secret and expire; PUT verifies the email once', async () => {
      const account = await sessionOf();
      const token = await account.createEmailVerification({ url: 'http://localhost/verification?keep=1' });
      expectModel('token', token);
      expect(token).toMatchObject({ userId: 'user-a', secret: '', phrase: '' });
      const mail = await lastEmail();
      expect(mail.subject).toBe('Account Verification for Demo');
      expect(mail.to[0]).toEqual({ address: 'user-a@example.com', name: 'User A' });
      expect(mail.text).toContain('Verify your email to activate your Demo account.');
      const params = linkParams(mail.html);
      expect(params).toMatchObject({ keep: '1', userId: 'user-a', expire: token.expire, project: 'demo' });
      expect(params.secret).toMatch(/^[0-9a-f]{256}$/);

      // Appwrite checks the verification route with the session's own client (scope `public`).
      const guest = new Account(t.guest());
      await expectAppwriteError(
        guest.updateEmailVerification({ userId: 'ewewe', secret: params.secret ?? '' }),
        404,
        'user_not_found',
      );
      await expectAppwriteError(
        guest.updateEmailVerification({ userId: 'user-a', secret: 'sdasdasdasd' }),
        401,
        'user_invalid_token',
      );
      const confirmed = await guest.updateEmailVerification({
        userId: 'user-a',
        secret: params.secret ?? '',
      });
      expectModel('token', confirmed);
      expect(confirmed.$id).toBe(token.$id);
      expect((await account.get()).emailVerification).toBe(true);
      await expectAppwriteError(
        guest.updateEmailVerification({ userId: 'user-a', secret: params.secret ?? '' }),
        401,
        'user_invalid_token',
      );
      await expectAppwriteError(
        account.createEmailVerification({ url: 'http://localhost/verification' }),
        409,
        'user_email_already_verified',
      );
    });

    it('answers on the 1.9 alias /account/verification too', async () => {
      const session = await t.login();
      const response = await t.raw('/account/verification', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-session': session.secret },
        body: JSON.stringify({ url: 'http://localhost/verification' }),
      });
      expect(response.status).toBe(201);
      expect((await lastEmail()).subject).toBe('Account Verification for Demo');
    });

    it.each([
      ['a URL without a scheme', 'localhost/verification'],
      ['a host that is not a platform', 'http://remotehost/verification'],
    ])('returns 400 general_argument_invalid for %s', async (_name, url) => {
      const account = await sessionOf();
      const error = await expectAppwriteError(
        account.createEmailVerification({ url }),
        400,
        'general_argument_invalid',
      );
      expect(error.message).toBe('Invalid `url` param: URL host must be one of: localhost, 127.0.0.1');
      expect(await emails()).toEqual([]);
    });

    it('returns 400 user_email_not_found for an anonymous account', async () => {
      const anonymous = await new Account(t.admin()).createAnonymousSession();
      await expectAppwriteError(
        new Account(t.withSession(anonymous.secret)).createEmailVerification({ url: 'http://localhost' }),
        400,
        'user_email_not_found',
      );
    });

    it('refuses a secret after its hour has passed', async () => {
      const account = await sessionOf();
      await account.createEmailVerification({ url: 'http://localhost/verification' });
      const { secret = '' } = linkParams((await lastEmail()).html);
      t.running().advanceClock(3601);
      await expectAppwriteError(
        new Account(t.guest()).updateEmailVerification({ userId: 'user-a', secret }),
        401,
        'user_invalid_token',
      );
    });
  });

  describe('password recovery', () => {
    it('mails a reset link; PUT sets the new password once and verifies the email', async () => {
      const guest = new Account(t.guest());
      const token = await guest.createRecovery({
        email: 'USER-A@example.com',
        url: 'http://localhost/recovery',
      });
      expectModel('token', token);
      expect(token).toMatchObject({ userId: 'user-a', secret: '' });
      const mail = await lastEmail();
      expect(mail.subject).toBe('Password Reset for Demo');
      expect(mail.to[0]?.name).toBe('User A');
      expect(mail.text).toContain('Reset your Demo password using the link.');
      const { secret = '', userId, expire } = linkParams(mail.html);
      expect({ userId, expire }).toEqual({ userId: 'user-a', expire: token.expire });

      await expectAppwriteError(
        guest.updateRecovery({ userId: 'ewewe', secret, password: 'test-recovery' }),
        404,
        'user_not_found',
      );
      await expectAppwriteError(
        guest.updateRecovery({ userId: 'user-a', secret: 'sdasdasdasd', password: 'test-recovery' }),
        401,
        'user_invalid_token',
      );
      const done = await guest.updateRecovery({ userId: 'user-a', secret, password: 'test-recovery' });
      expectModel('token', done);
      const session = await new Account(t.admin()).createEmailPasswordSession({
        email: 'user-a@example.com',
        password: 'test-recovery',
      });
      expect(session.userId).toBe('user-a');
      expect((await new Users(t.admin()).get({ userId: 'user-a' })).emailVerification).toBe(true);
      await expectAppwriteError(
        guest.updateRecovery({ userId: 'user-a', secret, password: 'another-one' }),
        401,
        'user_invalid_token',
      );
    });

    it('lets only one of two simultaneous resets use the same secret', async () => {
      const guest = new Account(t.guest());
      await guest.createRecovery({ email: 'user-a@example.com', url: 'http://localhost/recovery' });
      const { secret = '' } = linkParams((await lastEmail()).html);
      const outcomes = await Promise.allSettled([
        guest.updateRecovery({ userId: 'user-a', secret, password: 'first-new-password' }),
        guest.updateRecovery({ userId: 'user-a', secret, password: 'second-new-password' }),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toMatchObject({
        code: 401,
        type: 'user_invalid_token',
      });
    });

    it('returns 404 user_not_found for an unknown email and 400 for a foreign URL', async () => {
      const guest = new Account(t.guest());
      await expectAppwriteError(
        guest.createRecovery({ email: 'not-found@localhost.test', url: 'http://localhost/recovery' }),
        404,
        'user_not_found',
      );
      await expectAppwriteError(
        guest.createRecovery({ email: 'user-a@example.com', url: 'http://remotehost/recovery' }),
        400,
        'general_argument_invalid',
      );
    });
  });

  describe('magic URL', () => {
    it('creates the user, mails a 64-character secret; PUT /sessions/magic-url signs in once', async () => {
      const guest = new Account(t.guest());
      const token = await guest.createMagicURLToken({ userId: ID.unique(), email: 'magic@example.com' });
      expectModel('token', token);
      expect(token).toMatchObject({ secret: '', phrase: '' });
      const mail = await lastEmail();
      expect(mail.to[0]?.address).toBe('magic@example.com');
      expect(mail.subject).toBe('Demo Login');
      expect(mail.text).toContain('Sign in to Demo with your secure link. Expires in 1 hour.');
      expect(mail.text.toLowerCase()).not.toContain('security phrase');
      expect(mail.text).toContain(`userId=${token.userId}`);
      expect(mail.text).toContain(`expire=${encodeURIComponent(token.expire)}`);
      const secret = mail.text.slice(mail.text.indexOf('&secret=') + 8).slice(0, 64);
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(linkParams(mail.html).secret).toBe(secret);

      await expectAppwriteError(
        guest.updateMagicURLSession({ userId: 'ewewe', secret }),
        401,
        'user_invalid_token',
      );
      await expectAppwriteError(
        guest.updateMagicURLSession({ userId: token.userId, secret: 'sdasdasdasd' }),
        401,
        'user_invalid_token',
      );
      const session = await new Account(t.admin()).updateMagicURLSession({ userId: token.userId, secret });
      expectModel('session', session);
      expect(session).toMatchObject({ userId: token.userId, provider: 'magic-url', factors: ['email'] });
      const user = await new Account(t.withSession(session.secret)).get();
      expect(user).toMatchObject({ email: 'magic@example.com', emailVerification: true, passwordUpdate: '' });
      await expectAppwriteError(
        guest.updateMagicURLSession({ userId: token.userId, secret }),
        401,
        'user_invalid_token',
      );
    });

    it('signs an existing user in through POST /account/sessions/token, with a phrase when asked', async () => {
      const token = await new Account(t.guest()).createMagicURLToken({
        userId: ID.unique(),
        email: 'user-b@example.com',
        url: 'http://localhost/magic',
        phrase: true,
      });
      expect(token.userId).toBe('user-b');
      expect(token.phrase).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      const mail = await lastEmail();
      expect(mail.text).toContain(token.phrase);
      const { secret = '' } = linkParams(mail.html);
      const session = await new Account(t.guest()).createSession({ userId: 'user-b', secret });
      expect(session.userId).toBe('user-b');
    });

    it('returns 400 for a missing userId or a foreign URL; the deprecated POST /sessions/magic-url works', async () => {
      const guest = new Account(t.guest());
      await expectAppwriteError(
        guest.createMagicURLToken({
          userId: ID.unique(),
          email: 'm@example.com',
          url: 'localhost/magiclogin',
        }),
        400,
        'general_argument_invalid',
      );
      const raw = await t.raw('/account/tokens/magic-url', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'm@example.com' }),
      });
      expect(raw.status).toBe(400);
      expect((await raw.json()).message).toBe('Param "userId" is not optional.');
      const alias = await t.raw('/account/sessions/magic-url', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'unique()', email: 'm@example.com', phrase: true }),
      });
      expect(alias.status).toBe(201);
      expect((await alias.json()).phrase).not.toBe('');
    });

    it('refuses a magic URL secret after an hour', async () => {
      const token = await new Account(t.guest()).createMagicURLToken({
        userId: ID.unique(),
        email: 'late@example.com',
      });
      const { secret = '' } = linkParams((await lastEmail()).html);
      t.running().advanceClock(3601);
      await expectAppwriteError(
        new Account(t.guest()).updateMagicURLSession({ userId: token.userId, secret }),
        401,
        'user_invalid_token',
      );
    });
  });

  describe('email OTP', () => {
    it('mails a six-digit code that POST /account/sessions/token redeems once', async () => {
      const guest = new Account(t.guest());
      const token = await guest.createEmailToken({ userId: ID.unique(), email: 'otpuser2@appwrite.io' });
      expectModel('token', token);
      expect(token).toMatchObject({ secret: '', phrase: '' });
      const mail = await lastEmail();
      expect(mail.to[0]?.address).toBe('otpuser2@appwrite.io');
      expect(mail.subject).toBe('OTP for Demo Login');
      const code = /\b\d{6}\b/.exec(mail.text)?.[0] ?? '';
      expect(code).toMatch(/^\d{6}$/);
      expect(Date.parse(token.expire) - Date.parse(token.$createdAt)).toBe(15 * 60_000);
      const session = await guest.createSession({ userId: token.userId, secret: code });
      expectModel('session', session);
      expect(session).toMatchObject({ userId: token.userId, provider: 'email', secret: '' });
      const count = (await emails()).length;
      await expectAppwriteError(
        guest.createSession({ userId: token.userId, secret: code }),
        401,
        'user_invalid_token',
      );
      expect((await emails()).length).toBe(count);
    });

    it('shows the secret to an API key and expires after 15 minutes', async () => {
      const token = await new Account(t.admin()).createEmailToken({
        userId: ID.unique(),
        email: 'otp@example.com',
      });
      expect(token.secret).toMatch(/^\d{6}$/);
      t.running().advanceClock(15 * 60 + 1);
      await expectAppwriteError(
        new Account(t.guest()).createSession({ userId: token.userId, secret: token.secret }),
        401,
        'user_invalid_token',
      );
    });

    it('does not let a verification or recovery secret sign in', async () => {
      await new Account(t.guest()).createRecovery({ email: 'user-a@example.com', url: 'http://localhost/r' });
      const { secret = '' } = linkParams((await lastEmail()).html);
      await expectAppwriteError(
        new Account(t.guest()).createSession({ userId: 'user-a', secret }),
        401,
        'user_invalid_token',
      );
    });
  });

  it('answers 503 general_phone_disabled for SMS flows (no SMS provider)', async () => {
    await expectAppwriteError(
      new Account(t.guest()).createPhoneToken({ userId: ID.unique(), phone: '+123456789' }),
      503,
      'general_phone_disabled',
    );
    await expectAppwriteError(
      new Account(t.guest()).createPhoneToken({ userId: ID.unique(), phone: 'nope' }),
      400,
      'general_argument_invalid',
    );
  });

  it('lets the outbox be emptied like maildev', async () => {
    await new Account(t.guest()).createEmailToken({ userId: ID.unique(), email: 'otp@example.com' });
    expect(await emails()).toHaveLength(1);
    const cleared = await fetch(`${t.running().origin}/_emulator/maildev/email/all`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(await emails()).toEqual([]);
  });
});
