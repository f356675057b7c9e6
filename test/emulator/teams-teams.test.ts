import { Query, Teams } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator Teams API: teams (node-appwrite)', () => {
  const t = useEmulator('http');
  const adminTeams = () => new Teams(t.admin());
  const teamsOf = async (letter: string) => new Teams(t.withSession((await t.login(letter)).secret));

  describe('POST /v1/teams', () => {
    it('creates a team with an API key without any member (total 0)', async () => {
      const team = await adminTeams().create({ teamId: 'arsenal', name: 'Arsenal' });
      expectModel('team', team);
      expect(team).toMatchObject({ $id: 'arsenal', name: 'Arsenal', total: 0, prefs: {} });
      const members = await adminTeams().listMemberships({ teamId: 'arsenal' });
      expect(members).toEqual({ total: 0, memberships: [] });
    });

    it('makes the creating user a confirmed member with its roles plus owner', async () => {
      const teams = await teamsOf('a');
      const team = await teams.create({ teamId: 'unique()', name: 'Arsenal', roles: ['player'] });
      expectModel('team', team);
      expect(team.$id).toMatch(/^[0-9a-f]{20}$/);
      expect(team.total).toBe(1);
      const list = await teams.listMemberships({ teamId: team.$id });
      expectModel('membershipList', list);
      expect(list.total).toBe(1);
      expect(list.memberships[0]).toMatchObject({
        userId: 'user-a',
        userName: 'User A',
        userEmail: 'user-a@example.com',
        teamId: team.$id,
        teamName: 'Arsenal',
        confirm: true,
        roles: ['player', 'owner'],
      });
      expect(list.memberships[0]?.joined).toBe(list.memberships[0]?.invited);
    });

    it('returns 409 team_already_exists for a taken ID', async () => {
      await adminTeams().create({ teamId: 'arsenal', name: 'Arsenal' });
      await expectAppwriteError(
        adminTeams().create({ teamId: 'arsenal', name: 'John' }),
        409,
        'team_already_exists',
      );
    });

    it.each([
      [{ teamId: 'ok' }, 'Param "name" is not optional.'],
      [{ name: 'x' }, 'Param "teamId" is not optional.'],
      [{ teamId: '_bad', name: 'x' }, 'Invalid `teamId` param: Parameter must contain at most 36 chars.'],
      [
        { teamId: 'ok', name: 'x'.repeat(129) },
        'Invalid `name` param: Value must be a valid string and at most 128 chars',
      ],
      [{ teamId: 'ok', name: 'x', roles: ['-bad'] }, 'Invalid `roles` param: Value must a valid array'],
    ])('rejects bad input %j with 400 general_argument_invalid', async (body, message) => {
      const response = await t.raw('/teams', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-key': 'demo-api-key' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      const error = (await response.json()) as { type: string; message: string };
      expect(error.type).toBe('general_argument_invalid');
      expect(error.message.startsWith(message)).toBe(true);
    });

    it('returns 401 general_unauthorized_scope for a guest and for a key without teams.write', async () => {
      await expectAppwriteError(
        new Teams(t.guest()).create({ teamId: 'x', name: 'x' }),
        401,
        'general_unauthorized_scope',
      );
      t.running()
        .context.state.projects.get('demo')
        ?.keys.push({
          name: 'users-only',
          secret: 'users-only-key',
          scopes: ['users.read'],
          expire: null,
        });
      await expectAppwriteError(
        new Teams(t.guest().setKey('users-only-key')).list(),
        401,
        'general_unauthorized_scope',
      );
    });
  });

  describe('GET /v1/teams', () => {
    const seedTeams = async () => {
      for (const [teamId, name] of [
        ['arsenal', 'Arsenal'],
        ['manutd', 'Manchester United'],
        ['newcastle', 'Newcastle'],
      ] as const) {
        await adminTeams().create({ teamId, name });
      }
    };

    it('lists every team for an API key, in creation order, with queries and search', async () => {
      await seedTeams();
      const all = await adminTeams().list();
      expectModel('teamList', all);
      expect(all.total).toBe(3);
      expect(all.teams.map((team) => team.$id)).toEqual(['arsenal', 'manutd', 'newcastle']);

      const limited = await adminTeams().list({ queries: [Query.limit(2)] });
      expect(limited.teams.map((team) => team.$id)).toEqual(['arsenal', 'manutd']);
      expect(limited.total).toBe(3);
      const offset = await adminTeams().list({ queries: [Query.offset(1)] });
      expect(offset.teams.map((team) => team.$id)).toEqual(['manutd', 'newcastle']);
      const named = await adminTeams().list({ queries: [Query.equal('name', ['Arsenal', 'Newcastle'])] });
      expect(named.teams.map((team) => team.$id)).toEqual(['arsenal', 'newcastle']);
      const ordered = await adminTeams().list({ queries: [Query.orderDesc('name')] });
      expect(ordered.teams.map((team) => team.$id)).toEqual(['newcastle', 'manutd', 'arsenal']);

      for (const term of ['Manchester', 'United', 'manutd', 'Manch']) {
        const found = await adminTeams().list({ search: term });
        expect(found.teams.map((team) => team.name)).toEqual(['Manchester United']);
        expect(found.total).toBe(1);
      }
      expect((await adminTeams().list({ search: 'Chelsea' })).total).toBe(0);
      expect(await adminTeams().list({ total: false })).toMatchObject({ total: 0 });
    });

    it('pages with cursorAfter and cursorBefore', async () => {
      await seedTeams();
      const after = await adminTeams().list({ queries: [Query.limit(1), Query.cursorAfter('arsenal')] });
      expect(after.teams.map((team) => team.$id)).toEqual(['manutd']);
      expect(after.total).toBe(3);
      const before = await adminTeams().list({ queries: [Query.limit(1), Query.cursorBefore('newcastle')] });
      expect(before.teams.map((team) => team.$id)).toEqual(['manutd']);
      const error = await expectAppwriteError(
        adminTeams().list({ queries: [Query.cursorAfter('unknown')] }),
        400,
        'general_cursor_not_found',
      );
      expect(error.message).toBe("Team 'unknown' for the 'cursor' value not found.");
    });

    it('rejects queries on attributes Appwrite does not allow', async () => {
      await expectAppwriteError(
        adminTeams().list({ queries: [Query.equal('prefs', ['x'])] }),
        400,
        'general_argument_invalid',
      );
      await expectAppwriteError(
        adminTeams().list({ queries: ['not json'] }),
        400,
        'general_argument_invalid',
      );
    });

    it('shows a user only the teams it is a confirmed member of', async () => {
      await seedTeams();
      const a = await teamsOf('a');
      const own = await a.create({ teamId: 'a-team', name: 'A Team' });
      await adminTeams().createMembership({ teamId: 'arsenal', roles: [], userId: 'user-a' });
      await adminTeams().createMembership({
        teamId: 'newcastle',
        roles: [],
        email: 'user-a@example.com',
        url: 'http://localhost/join',
      });
      const list = await a.list();
      expectModel('teamList', list);
      expect(list.teams.map((team) => team.$id)).toEqual(['arsenal', 'newcastle', own.$id]);
      expect((await (await teamsOf('b')).list()).total).toBe(0);
    });
  });

  describe('GET, PUT, DELETE /v1/teams/:teamId', () => {
    it('gets, renames and deletes a team with an API key', async () => {
      await adminTeams().create({ teamId: 'demo-team', name: 'Demo' });
      const got = await adminTeams().get({ teamId: 'demo-team' });
      expectModel('team', got);
      expect(got.name).toBe('Demo');
      const renamed = await adminTeams().updateName({ teamId: 'demo-team', name: 'Demo New' });
      expectModel('team', renamed);
      expect(renamed.name).toBe('Demo New');
      expect((await adminTeams().get({ teamId: 'demo-team' })).name).toBe('Demo New');
      await adminTeams().delete({ teamId: 'demo-team' });
      await expectAppwriteError(adminTeams().get({ teamId: 'demo-team' }), 404, 'team_not_found');
    });

    it('returns 404 team_not_found to a user outside the team and 401 user_unauthorized to a non-owner member', async () => {
      const owner = await teamsOf('a');
      await owner.create({ teamId: 'club', name: 'Club' });
      await adminTeams().createMembership({ teamId: 'club', roles: ['player'], userId: 'user-b' });
      const outsider = await teamsOf('c');
      await expectAppwriteError(outsider.get({ teamId: 'club' }), 404, 'team_not_found');
      await expectAppwriteError(outsider.updateName({ teamId: 'club', name: 'Mine' }), 404, 'team_not_found');
      await expectAppwriteError(outsider.delete({ teamId: 'club' }), 404, 'team_not_found');

      const member = await teamsOf('b');
      expect((await member.get({ teamId: 'club' })).total).toBe(2);
      await expectAppwriteError(
        member.updateName({ teamId: 'club', name: 'Mine' }),
        401,
        'user_unauthorized',
      );
      await expectAppwriteError(member.delete({ teamId: 'club' }), 401, 'user_unauthorized');
      await expectAppwriteError(
        member.updatePrefs({ teamId: 'club', prefs: { a: 1 } }),
        401,
        'user_unauthorized',
      );

      expect((await owner.updateName({ teamId: 'club', name: 'Club 2' })).name).toBe('Club 2');
      await owner.delete({ teamId: 'club' });
      await expectAppwriteError(member.get({ teamId: 'club' }), 404, 'team_not_found');
      expect(t.running().context.state.projects.get('demo')?.teams.size).toBe(0);
    });

    it('requires a name to rename', async () => {
      await adminTeams().create({ teamId: 'demo-team', name: 'Demo' });
      const response = await t.raw('/teams/demo-team', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-appwrite-key': 'demo-api-key' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        type: 'general_argument_invalid',
        message: 'Param "name" is not optional.',
      });
    });
  });

  describe('GET, PUT /v1/teams/:teamId/prefs', () => {
    it('stores and returns team preferences for an owner', async () => {
      const owner = await teamsOf('a');
      await owner.create({ teamId: 'club', name: 'Club' });
      const prefs = await owner.updatePrefs({ teamId: 'club', prefs: { funcKey1: 'funcValue1', n: 2 } });
      expectModel('preferences', prefs);
      expect(prefs).toEqual({ funcKey1: 'funcValue1', n: 2 });
      const read = await owner.getPrefs({ teamId: 'club' });
      expectModel('preferences', read);
      expect(read).toEqual({ funcKey1: 'funcValue1', n: 2 });
      expect((await owner.get({ teamId: 'club' })).prefs).toEqual({ funcKey1: 'funcValue1', n: 2 });
      await expectAppwriteError((await teamsOf('b')).getPrefs({ teamId: 'club' }), 404, 'team_not_found');
    });

    it('rejects prefs that are not an object', async () => {
      await adminTeams().create({ teamId: 'club', name: 'Club' });
      const response = await t.raw('/teams/club/prefs', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-appwrite-key': 'demo-api-key' },
        body: JSON.stringify({ prefs: 'bad-string' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        type: 'general_argument_invalid',
        message: 'Invalid `prefs` param: Value must be a valid object.',
      });
    });
  });
});
