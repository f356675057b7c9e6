import { buildState, DEMO_SEED, type Seed } from 'appwrite-emulator';
import { Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

const demo = DEMO_SEED.projects[0];
if (!demo) throw new Error('the demo seed has a project');

/** The demo seed plus a user with a phone, verified phone and preferences, and two narrow API keys. */
const SEED: Seed = {
  projects: [
    {
      ...demo,
      apiKeys: [
        ...(demo.apiKeys ?? []),
        { name: 'sessions', secret: 'sessions-write-key', scopes: ['sessions.write'] },
        { name: 'sessions-read', secret: 'sessions-read-key', scopes: ['sessions.read'] },
      ],
      users: [
        ...(demo.users ?? []),
        {
          id: 'phone-user',
          phone: '+16175551212',
          phoneVerification: true,
          prefs: { theme: 'pink' },
          name: 'Phone User',
        },
      ],
    },
  ],
};

describe('emulator Users API with a custom seed: phones, preferences, narrow keys', () => {
  const t = useEmulator('http', { seed: SEED });

  it('serves the seeded phone, phone verification and prefs through the Users API', async () => {
    const user = await new Users(t.admin()).get({ userId: 'phone-user' });
    expectModel('user', user);
    expect(user).toMatchObject({ phone: '+16175551212', phoneVerification: true, prefs: { theme: 'pink' } });
    expect((await new Users(t.admin()).list({ search: '+16175551212' })).users.map((u) => u.$id)).toEqual([
      'phone-user',
    ]);
  });

  it('lets a sessions.write key create sessions but not tokens, JWTs or password changes', async () => {
    const sessionsKey = new Users(t.guest().setKey('sessions-write-key'));
    const session = await sessionsKey.createSession({ userId: 'user-a' });
    expect(session.userId).toBe('user-a');
    for (const call of [
      () => sessionsKey.createToken({ userId: 'user-a' }),
      () => sessionsKey.createJWT({ userId: 'user-a' }),
      () => sessionsKey.updatePassword({ userId: 'user-a', password: 'new-password' }),
      () => sessionsKey.updateEmail({ userId: 'user-a', email: 'changed@example.com' }),
    ]) {
      await expectAppwriteError<unknown>(call(), 401, 'general_unauthorized_scope');
    }
    const listed = await new Users(t.guest().setKey('sessions-read-key')).listSessions({ userId: 'user-a' });
    expect(listed.sessions.map((item) => [item.$id, item.secret])).toEqual([[session.$id, '']]);
  });

  it('rejects a seed whose phone is not E.164 or is used twice', async () => {
    const withUsers = (users: NonNullable<typeof demo.users>): Seed => ({ projects: [{ ...demo, users }] });
    await expect(buildState(withUsers([{ id: 'x', phone: '0612345678' }]), 0)).rejects.toThrow();
    await expect(
      buildState(
        withUsers([
          { id: 'x', phone: '+16175551212' },
          { id: 'y', phone: '+16175551212' },
        ]),
        0,
      ),
    ).rejects.toThrow('Seed: duplicate user y in project demo');
  });
});
