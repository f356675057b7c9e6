import { Account, ID, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator Users API: updating and deleting users (node-appwrite)', () => {
  const t = useEmulator('http');
  const users = () => new Users(t.admin());
  const key = { 'content-type': 'application/json', 'x-appwrite-key': 'demo-api-key' };
  const send = (method: string, path: string, body?: unknown) =>
    t.raw(path, { method, headers: key, body: body === undefined ? undefined : JSON.stringify(body) });

  it('gets a user, and 404 user_not_found with Appwrite message for an unknown one', async () => {
    const user = await users().get({ userId: 'user-a' });
    expectModel('user', user);
    expect(user).toMatchObject({ $id: 'user-a', name: 'User A', email: 'user-a@example.com', status: true });
    const error = await expectAppwriteError(users().get({ userId: 'non_existent' }), 404, 'user_not_found');
    expect(error.message).toBe('User with the requested ID could not be found.');
  });

  it('updates the name, to empty too', async () => {
    const cleared = await users().updateName({ userId: 'user-a', name: '' });
    expectModel('user', cleared);
    expect(cleared.name).toBe('');
    expect((await users().updateName({ userId: 'user-a', name: 'Updated name' })).name).toBe('Updated name');
    expect((await users().get({ userId: 'user-a' })).name).toBe('Updated name');
    expect((await users().list({ search: 'Updated name' })).users.map((u) => u.$id)).toEqual(['user-a']);
    const missing = await send('PATCH', '/users/user-a/name', {});
    expect(await missing.json()).toMatchObject({ code: 400, message: 'Param "name" is not optional.' });
  });

  it('updates the email (resetting its verification), moves the target and the sign-in address', async () => {
    await users().updateEmailVerification({ userId: 'user-a', emailVerification: true });
    const updated = await users().updateEmail({ userId: 'user-a', email: 'Users.Service@Updated.com' });
    expectModel('user', updated);
    expect(updated).toMatchObject({
      email: 'users.service@updated.com',
      emailVerification: false,
      emailCanonical: 'users.service@updated.com',
    });
    expect(updated.targets.map((target) => target.identifier)).toEqual(['users.service@updated.com']);
    const session = await new Account(t.guest()).createEmailPasswordSession({
      email: 'users.service@updated.com',
      password: 'password-a',
    });
    expect(session.userId).toBe('user-a');
    await expectAppwriteError(
      new Account(t.guest()).createEmailPasswordSession({
        email: 'user-a@example.com',
        password: 'password-a',
      }),
      401,
      'user_invalid_credentials',
    );
    expect((await users().list({ search: '"users.service@updated.com"' })).users.map((u) => u.$id)).toEqual([
      'user-a',
    ]);
  });

  it('clears the email with an empty one, removing the target', async () => {
    const cleared = await users().updateEmail({ userId: 'user-a', email: '' });
    expect(cleared).toMatchObject({ email: '', targets: [], emailCanonical: null });
    // The freed address can be taken by another user.
    expect((await users().updateEmail({ userId: 'user-b', email: 'user-a@example.com' })).email).toBe(
      'user-a@example.com',
    );
  });

  it('answers 409 user_target_already_exists for an address already in use', async () => {
    await expectAppwriteError(
      users().updateEmail({ userId: 'user-a', email: 'user-b@example.com' }),
      409,
      'user_target_already_exists',
    );
    await expectAppwriteError(
      users().updateEmail({ userId: 'user-a', email: 'not-an-email' }),
      400,
      'general_argument_invalid',
    );
  });

  it('updates the phone, clears it, and refuses a number another user holds', async () => {
    const u = users();
    const set = await u.updatePhone({ userId: 'user-a', number: '+910000000000' });
    expectModel('user', set);
    expect(set).toMatchObject({ phone: '+910000000000', phoneVerification: false });
    await expectAppwriteError(
      u.updatePhone({ userId: 'user-b', number: '+910000000000' }),
      409,
      'user_target_already_exists',
    );
    await expectAppwriteError(
      u.updatePhone({ userId: 'user-b', number: '12345' }),
      400,
      'general_argument_invalid',
    );
    expect((await u.updatePhone({ userId: 'user-a', number: '' })).phone).toBe('');
    // Two users can both be without a phone.
    expect((await u.updatePhone({ userId: 'user-b', number: '' })).phone).toBe('');
  });

  it('updates the password: new Argon2id hash, sessions deleted, old password refused', async () => {
    const before = await t.login('a');
    const updated = await users().updatePassword({ userId: 'user-a', password: 'password2' });
    expectModel('user', updated);
    expect(updated.hash).toBe('argon2');
    expect(updated.password).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect((await users().listSessions({ userId: 'user-a' })).sessions).toEqual([]);
    await expectAppwriteError(
      new Account(t.withSession(before.secret)).get(),
      401,
      'general_unauthorized_scope',
    );
    await expectAppwriteError(t.login('a'), 401, 'user_invalid_credentials');
    const session = await new Account(t.guest()).createEmailPasswordSession({
      email: 'user-a@example.com',
      password: 'password2',
    });
    expect(session.userId).toBe('user-a');
  });

  it('removes the password with an empty one', async () => {
    const updated = await users().updatePassword({ userId: 'user-a', password: '' });
    expect(updated.password).toBeFalsy();
    await expectAppwriteError(t.login('a'), 401, 'user_invalid_credentials');
    await expectAppwriteError(
      users().updatePassword({ userId: 'user-a', password: 'short' }),
      400,
      'general_argument_invalid',
    );
  });

  it('blocks and unblocks a user', async () => {
    const blocked = await users().updateStatus({ userId: 'user-b', status: false });
    expectModel('user', blocked);
    expect(blocked.status).toBe(false);
    expect((await users().get({ userId: 'user-b' })).status).toBe(false);
    await expectAppwriteError(t.login('b'), 403, 'user_blocked');
    expect((await users().updateStatus({ userId: 'user-b', status: true })).status).toBe(true);
  });

  it.each([
    [['admin'], ['admin']],
    [
      ['vip', 'pro'],
      ['vip', 'pro'],
    ],
    [[], []],
    [
      ['vip', 'vip', 'pro'],
      ['vip', 'pro'],
    ],
  ])('replaces the labels with %j', async (labels, expected) => {
    const updated = await users().updateLabels({ userId: 'user-a', labels });
    expectModel('user', updated);
    expect(updated.labels).toEqual(expected);
  });

  it.each([[['invalid-label']], [['a'.repeat(37)]], [[['a']]]])(
    'rejects the labels %j with 400',
    async (labels) => {
      const response = await send('PUT', '/users/user-a/labels', { labels });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain('Invalid `labels` param');
    },
  );

  it('requires labels and a known user', async () => {
    expect((await send('PUT', '/users/user-a/labels', {})).status).toBe(400);
    await expectAppwriteError(
      users().updateLabels({ userId: 'dne', labels: ['admin'] }),
      404,
      'user_not_found',
    );
  });

  it('sets email and phone verification', async () => {
    const email = await users().updateEmailVerification({ userId: 'user-a', emailVerification: true });
    expectModel('user', email);
    expect(email.emailVerification).toBe(true);
    const phone = await users().updatePhoneVerification({ userId: 'user-a', phoneVerification: true });
    expect(phone.phoneVerification).toBe(true);
    const factors = await users().listMFAFactors({ userId: 'user-a' });
    expectModel('mfaFactors', factors);
    expect(factors).toEqual({ totp: false, phone: false, email: true, recoveryCode: false });
  });

  it('updates and reads preferences; a non-object or missing prefs is 400', async () => {
    const prefs = await users().updatePrefs({
      userId: 'user-a',
      prefs: { funcKey1: 'funcValue1', funcKey2: 'funcValue2' },
    });
    expectModel('preferences', prefs);
    expect(prefs).toEqual({ funcKey1: 'funcValue1', funcKey2: 'funcValue2' });
    expect(await users().getPrefs({ userId: 'user-a' })).toEqual({
      funcKey1: 'funcValue1',
      funcKey2: 'funcValue2',
    });
    expect((await users().get({ userId: 'user-a' })).prefs).toEqual({
      funcKey1: 'funcValue1',
      funcKey2: 'funcValue2',
    });
    expect((await send('PATCH', '/users/user-a/prefs', { prefs: 'bad-string' })).status).toBe(400);
    expect((await send('PATCH', '/users/user-a/prefs')).status).toBe(400);
  });

  it('deletes a user (204), then 404; the email is free again', async () => {
    const u = users();
    const user = await u.create({
      userId: ID.unique(),
      email: 'deletetest@example.com',
      name: 'Delete Test',
    });
    expect((await send('DELETE', `/users/${user.$id}`)).status).toBe(204);
    await expectAppwriteError(u.delete({ userId: user.$id }), 404, 'user_not_found');
    expect((await u.create({ userId: ID.unique(), email: 'deletetest@example.com' })).email).toBe(
      'deletetest@example.com',
    );
  });

  it('rejects a malformed user ID in the path with 400', async () => {
    const response = await send('GET', '/users/-bad');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('Invalid `userId` param');
  });
});
