import { buildState, DEMO_SEED, type Seed } from 'appwrite-emulator';
import { Teams } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

const [demo] = DEMO_SEED.projects;
if (!demo) throw new Error('the demo seed has a project');

/** The demo seed plus team `club`: user-a owner, user-b an open invitation with a known secret. */
const SEED: Seed = {
  projects: [
    {
      ...demo,
      teams: [
        {
          id: 'club',
          name: 'Club',
          prefs: { colour: 'red' },
          memberships: [
            { id: 'owner-a', userId: 'user-a', roles: ['owner'] },
            { id: 'invite-b', userId: 'user-b', roles: ['player'], confirm: false, secret: 'letmein' },
          ],
        },
      ],
    },
  ],
};

describe('emulator seed files: teams', () => {
  const t = useEmulator('http', { seed: SEED });

  it('serves seeded teams and memberships, and a seeded invitation accepts with its secret', async () => {
    const owner = new Teams(t.withSession((await t.login('a')).secret));
    const team = await owner.get({ teamId: 'club' });
    expectModel('team', team);
    expect(team).toMatchObject({ name: 'Club', total: 1, prefs: { colour: 'red' } });
    const list = await owner.listMemberships({ teamId: 'club' });
    expect(list.memberships.map((m) => [m.$id, m.confirm])).toEqual([
      ['owner-a', true],
      ['invite-b', false],
    ]);
    const accepted = await new Teams(t.guest()).updateMembershipStatus({
      teamId: 'club',
      membershipId: 'invite-b',
      userId: 'user-b',
      secret: 'letmein',
    });
    expect(accepted.confirm).toBe(true);
    expect((await owner.get({ teamId: 'club' })).total).toBe(2);
  });

  it('refuses a seed whose membership names an unknown user', async () => {
    const bad: Seed = {
      projects: [{ id: 'p', teams: [{ id: 'club', name: 'Club', memberships: [{ userId: 'ghost' }] }] }],
    };
    await expect(buildState(bad, 0)).rejects.toThrow('Seed: team club names unknown user ghost');
  });
});
