import { Account, ID, Query, Teams, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator Users API: sessions, tokens, JWTs, memberships, targets (node-appwrite)', () => {
  const t = useEmulator('http');
  const users = () => new Users(t.admin());
  const key = { 'content-type': 'application/json', 'x-appwrite-key': 'demo-api-key' };

  it('creates a server session whose secret signs the user in, lists it and deletes it', async () => {
    const session = await users().createSession({ userId: 'user-a' });
    expectModel('session', session);
    expect(session).toMatchObject({ userId: 'user-a', provider: 'server', factors: ['server'] });
    expect(session.secret).not.toBe('');
    const account = new Account(t.withSession(session.secret));
    expect((await account.get()).$id).toBe('user-a');

    const list = await users().listSessions({ userId: 'user-a' });
    expectModel('sessionList', list);
    expect(list.total).toBe(1);
    expect(list.sessions[0]).toMatchObject({ $id: session.$id, current: false, secret: '' });
    expect((await users().listSessions({ userId: 'user-a', total: false })).total).toBe(0);

    const response = await t.raw(`/users/user-a/sessions/${session.$id}`, { method: 'DELETE', headers: key });
    expect(response.status).toBe(204);
    await expectAppwriteError(account.get(), 401, 'general_unauthorized_scope');
  });

  it("refuses to delete another user's session: 404 user_session_not_found, session kept", async () => {
    const session = await users().createSession({ userId: 'user-a' });
    await expectAppwriteError(
      users().deleteSession({ userId: 'user-b', sessionId: session.$id }),
      404,
      'user_session_not_found',
    );
    expect((await users().listSessions({ userId: 'user-a' })).total).toBe(1);
    await expectAppwriteError(users().listSessions({ userId: 'nobody' }), 404, 'user_not_found');
  });

  it('deletes every session of a user', async () => {
    const first = await t.login('a');
    await users().createSession({ userId: 'user-a' });
    await users().deleteSessions({ userId: 'user-a' });
    expect((await users().listSessions({ userId: 'user-a' })).sessions).toEqual([]);
    await expectAppwriteError(
      new Account(t.withSession(first.secret)).get(),
      401,
      'general_unauthorized_scope',
    );
  });

  it('creates tokens of the default and a chosen length, redeemable once for a session', async () => {
    const token = await users().createToken({ userId: 'user-a' });
    expectModel('token', token);
    expect(token).toMatchObject({ userId: 'user-a' });
    expect(token.secret).toHaveLength(6);
    expect(Date.parse(token.expire) - Date.parse(token.$createdAt)).toBe(900_000);

    const long = await users().createToken({ userId: 'user-a', length: 15, expire: 60 });
    expect(long.secret).toHaveLength(15);
    expect(Date.parse(long.expire) - Date.parse(long.$createdAt)).toBe(60_000);

    const session = await new Account(t.guest()).createSession({ userId: 'user-a', secret: token.secret });
    expect(session.provider).toBe('token');
  });

  it.each([
    [{ length: 1, expire: 1 }, 'Invalid `length` param: Value must be a valid range between 4 and 128'],
    [
      { expire: 999_999_999_999_999 },
      'Invalid `expire` param: Value must be a valid range between 60 and 31,536,000',
    ],
  ])('rejects the token options %j with 400', async (params, message) => {
    const error = await expectAppwriteError(
      users().createToken({ userId: 'user-a', ...params }),
      400,
      'general_argument_invalid',
    );
    expect(error.message).toBe(message);
  });

  it('mints JWTs bound to a session by ID or `recent`, or to none', async () => {
    const unbound = await users().createJWT({ userId: 'user-a' });
    expectModel('jwt', unbound);
    const first = await t.login('a');
    const second = await t.login('a');
    const byId = await users().createJWT({ userId: 'user-a', sessionId: first.$id });
    const recent = await users().createJWT({ userId: 'user-a', sessionId: 'recent', duration: 5 });
    for (const { jwt } of [unbound, byId, recent]) {
      expect((await new Account(t.withJwt(jwt)).get()).$id).toBe('user-a');
    }
    // The short JWT expires; JWTs bound to a deleted session stop working; the unbound one lives on.
    t.running().advanceClock(10);
    await expectAppwriteError(new Account(t.withJwt(recent.jwt)).get(), 401, 'user_jwt_invalid');
    await users().deleteSession({ userId: 'user-a', sessionId: first.$id });
    await expectAppwriteError(new Account(t.withJwt(byId.jwt)).get(), 401, 'general_unauthorized_scope');
    await users().deleteSession({ userId: 'user-a', sessionId: second.$id });
    expect((await new Account(t.withJwt(unbound.jwt)).get()).$id).toBe('user-a');
    await expectAppwriteError(
      users().createJWT({ userId: 'user-a', duration: 3601 }),
      400,
      'general_argument_invalid',
    );
    await expectAppwriteError(users().createJWT({ userId: 'nobody' }), 404, 'user_not_found');
  });

  it("lists the user's team memberships, filters by role, and refuses equal on roles", async () => {
    const teams = new Teams(t.admin());
    const first = await teams.create({ teamId: ID.unique(), name: 'Test Team' });
    const membership = await teams.createMembership({
      teamId: first.$id,
      roles: ['new-role'],
      userId: 'user-a',
    });
    const list = await users().listMemberships({ userId: 'user-a' });
    expectModel('membershipList', list);
    expect(list.total).toBe(1);
    expect(list.memberships[0]).toMatchObject({
      $id: membership.$id,
      roles: ['new-role'],
      teamName: 'Test Team',
      userName: 'User A',
      userEmail: 'user-a@example.com',
    });

    const second = await teams.create({ teamId: ID.unique(), name: 'Test Team 2' });
    const other = await teams.createMembership({
      teamId: second.$id,
      roles: ['new-role-2'],
      userId: 'user-a',
    });
    const byRole = await users().listMemberships({
      userId: 'user-a',
      queries: [Query.contains('roles', ['new-role-2'])],
    });
    expect(byRole.memberships.map((item) => item.$id)).toEqual([other.$id]);
    expect(byRole.total).toBe(1);

    const error = await expectAppwriteError(
      users().listMemberships({ userId: 'user-a', queries: [Query.equal('roles', ['new-role-2'])] }),
      400,
      'general_argument_invalid',
    );
    expect(error.message).toBe(
      'Invalid `queries` param: Invalid query: Cannot query equal on attribute "roles" because it is an array.',
    );

    // Deleting the user removes its memberships.
    await users().delete({ userId: 'user-a' });
    expect((await teams.listMemberships({ teamId: first.$id })).total).toBe(0);
  });

  it('lists and gets the email target; 404 user_target_not_found for an unknown one', async () => {
    const list = await users().listTargets({ userId: 'user-a' });
    expectModel('targetList', list);
    expect(list.total).toBe(1);
    expect(list.targets[0]).toMatchObject({ providerType: 'email', identifier: 'user-a@example.com' });
    const target = await users().getTarget({ userId: 'user-a', targetId: list.targets[0]?.$id ?? '' });
    expectModel('target', target);
    expect(target.userId).toBe('user-a');
    await expectAppwriteError(
      users().getTarget({ userId: 'user-a', targetId: 'unknown' }),
      404,
      'user_target_not_found',
    );
  });

  it('answers an empty log list, and an empty identity list that refuses search', async () => {
    const logs = await users().listLogs({ userId: 'user-a', queries: [Query.limit(10)] });
    expectModel('logList', logs);
    expect(logs).toEqual({ total: 0, logs: [] });
    await expectAppwriteError(users().listLogs({ userId: 'nobody' }), 404, 'user_not_found');
    const identities = await users().listIdentities();
    expectModel('identityList', identities);
    expect(identities).toEqual({ total: 0, identities: [] });
    await expectAppwriteError(users().listIdentities({ search: 'identity' }), 400, 'general_query_invalid');
  });
});
