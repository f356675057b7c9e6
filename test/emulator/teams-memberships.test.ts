import { Account, Query, Teams, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { cookiesOf, decodeSecret, expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator Teams API: memberships (node-appwrite)', () => {
  const t = useEmulator('http');
  const adminTeams = () => new Teams(t.admin());
  const teamsOf = async (letter: string) => new Teams(t.withSession((await t.login(letter)).secret));
  const outbox = () => t.running().context.state.outbox;

  /** user-a owns team `club`; returns user-a's Teams service. */
  const ownerClub = async () => {
    const owner = await teamsOf('a');
    await owner.create({ teamId: 'club', name: 'Club' });
    return owner;
  };

  /** The accept link's parameters from the newest email. */
  const lastInvitation = () => {
    const mail = outbox().at(-1);
    const link = mail?.text.match(/https?:\/\/\S+/)?.[0] ?? '';
    return { mail, link, params: new URL(link).searchParams };
  };

  describe('POST /v1/teams/:teamId/memberships', () => {
    it('adds a user at once with an API key: confirmed, joined, no email', async () => {
      await adminTeams().create({ teamId: 'club', name: 'Club' });
      const membership = await adminTeams().createMembership({
        teamId: 'club',
        roles: ['admin', 'editor'],
        userId: 'user-b',
      });
      expectModel('membership', membership);
      expect(membership).toMatchObject({
        userId: 'user-b',
        userName: 'User B',
        userEmail: 'user-b@example.com',
        teamId: 'club',
        teamName: 'Club',
        confirm: true,
        mfa: false,
        roles: ['admin', 'editor'],
      });
      expect(membership.joined).toBe(membership.invited);
      expect(outbox()).toHaveLength(0);
      expect((await adminTeams().get({ teamId: 'club' })).total).toBe(1);
    });

    it('creates the invitee when no user has the email or phone', async () => {
      await adminTeams().create({ teamId: 'club', name: 'Club' });
      const byEmail = await adminTeams().createMembership({
        teamId: 'club',
        roles: [],
        email: 'New.Friend@Example.com',
        name: 'Friend',
      });
      expect(byEmail).toMatchObject({
        userName: 'Friend',
        userEmail: 'new.friend@example.com',
        confirm: true,
      });
      const created = await new Users(t.admin()).get({ userId: byEmail.userId });
      expect(created).toMatchObject({
        email: 'new.friend@example.com',
        name: 'Friend',
        emailVerification: false,
      });
      expect(created.passwordUpdate).toBe('');

      const byPhone = await adminTeams().createMembership({
        teamId: 'club',
        roles: [],
        phone: '+16175551212',
      });
      expect((await new Users(t.admin()).get({ userId: byPhone.userId })).phone).toBe('+16175551212');
    });

    it('invites from a client: an open invitation and an email holding the accept link', async () => {
      const owner = await ownerClub();
      const membership = await owner.createMembership({
        teamId: 'club',
        roles: ['admin', 'editor'],
        email: 'friend@example.com',
        name: 'Friend User',
        url: 'http://localhost:5000/join-us#title',
      });
      expectModel('membership', membership);
      expect(membership).toMatchObject({
        userName: 'Friend User',
        userEmail: 'friend@example.com',
        confirm: false,
        joined: '',
        roles: ['admin', 'editor'],
      });
      const { mail, link, params } = lastInvitation();
      expect(mail?.to).toEqual({ address: 'friend@example.com', name: 'Friend User' });
      expect(mail?.subject).toBe('Invitation to Club Team at Demo');
      expect(link.startsWith('http://localhost:5000/join-us?membershipId=')).toBe(true);
      expect(link.endsWith('#title')).toBe(true);
      expect(params.get('membershipId')).toBe(membership.$id);
      expect(params.get('userId')).toBe(membership.userId);
      expect(params.get('teamId')).toBe('club');
      expect(params.get('teamName')).toBe('Club');
      expect(params.get('secret')).toMatch(/^[0-9a-f]{256}$/);
      expect((await owner.get({ teamId: 'club' })).total).toBe(1);
    });

    it('renews an open invitation and refuses to invite a confirmed member (409)', async () => {
      const owner = await ownerClub();
      const first = await owner.createMembership({
        teamId: 'club',
        roles: [],
        email: 'friend@example.com',
        url: 'http://localhost/join',
      });
      const again = await owner.createMembership({
        teamId: 'club',
        roles: [],
        email: 'friend@example.com',
        url: 'http://localhost/join',
      });
      expect(again.$id).toBe(first.$id);
      expect(outbox()).toHaveLength(2);
      await expectAppwriteError(
        owner.createMembership({ teamId: 'club', roles: [], userId: 'user-a', url: 'http://localhost/join' }),
        409,
        'membership_already_confirmed',
      );
    });

    it.each([
      [{ roles: [], email: 'friend@example.com' }, 'URL is required'],
      [{ roles: [], url: 'http://localhost/join' }, 'At least one of userId, email, or phone is required'],
      [{ roles: [], email: 'dasdkaskdjaskdjasjkd', url: 'http://localhost/join' }, 'Invalid `email` param'],
      [
        { roles: 'bad string', email: 'friend@example.com', url: 'http://localhost/join' },
        'Invalid `roles` param',
      ],
      [{ roles: [], email: 'friend@example.com', url: 'http://example.com/join' }, 'Invalid `url` param'],
      [{ email: 'friend@example.com', url: 'http://localhost/join' }, 'Param "roles" is not optional.'],
    ])('rejects %j from a client with 400 general_argument_invalid', async (body, message) => {
      const session = await t.login('a');
      await new Teams(t.withSession(session.secret)).create({ teamId: 'club', name: 'Club' });
      const response = await t.raw('/teams/club/memberships', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-session': session.secret },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      const error = (await response.json()) as { type: string; message: string };
      expect(error.type).toBe('general_argument_invalid');
      expect(error.message.startsWith(message)).toBe(true);
    });

    it('returns 401 to a member without the owner role and 404 to a stranger', async () => {
      await ownerClub();
      await adminTeams().createMembership({ teamId: 'club', roles: ['player'], userId: 'user-b' });
      const member = await teamsOf('b');
      const error = await expectAppwriteError(
        member.createMembership({
          teamId: 'club',
          roles: [],
          userId: 'user-c',
          url: 'http://localhost/join',
        }),
        401,
        'user_unauthorized',
      );
      expect(error.message).toBe('User is not allowed to send invitations for this team');
      await expectAppwriteError(
        (await teamsOf('c')).createMembership({
          teamId: 'club',
          roles: [],
          userId: 'user-c',
          url: 'http://localhost/j',
        }),
        404,
        'team_not_found',
      );
      await expectAppwriteError(
        adminTeams().createMembership({ teamId: 'club', roles: [], userId: 'nobody' }),
        404,
        'user_not_found',
      );
      await expectAppwriteError(
        adminTeams().createMembership({
          teamId: 'club',
          roles: [],
          userId: 'user-c',
          email: 'user-b@example.com',
        }),
        409,
        'user_already_exists',
      );
    });
  });

  describe('PATCH /v1/teams/:teamId/memberships/:membershipId/status', () => {
    const invite = async () => {
      const owner = await ownerClub();
      await owner.createMembership({
        teamId: 'club',
        roles: ['admin', 'editor'],
        email: 'friend@example.com',
        name: 'Friend User',
        url: 'http://localhost/join',
      });
      const { params } = lastInvitation();
      return {
        owner,
        membershipId: params.get('membershipId') ?? '',
        userId: params.get('userId') ?? '',
        secret: params.get('secret') ?? '',
      };
    };

    it("accepts a guest's invitation: confirms, joins, verifies the email and opens a session with cookies", async () => {
      const { owner, membershipId, userId, secret } = await invite();
      const response = await t.raw(`/teams/club/memberships/${membershipId}/status`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, secret }),
      });
      expect(response.status).toBe(200);
      const membership = (await response.json()) as Record<string, unknown>;
      expectModel('membership', membership);
      expect(membership).toMatchObject({
        $id: membershipId,
        userId,
        confirm: true,
        roles: ['admin', 'editor'],
      });
      expect(membership.joined).not.toBe('');
      const cookies = cookiesOf(response);
      expect([...cookies.keys()].sort()).toEqual(['a_session_demo', 'a_session_demo_legacy']);
      const fallback = JSON.parse(response.headers.get('x-fallback-cookies') ?? '{}') as Record<
        string,
        string
      >;
      const encoded = fallback.a_session_demo ?? '';
      expect(decodeSecret(encoded).id).toBe(userId);

      const account = await new Account(t.withSession(encoded)).get();
      expect(account).toMatchObject({ $id: userId, email: 'friend@example.com', emailVerification: true });
      const sessions = await new Account(t.withSession(encoded)).listSessions();
      expect(sessions.sessions[0]).toMatchObject({ provider: 'email', providerUid: 'friend@example.com' });
      expect((await owner.get({ teamId: 'club' })).total).toBe(2);

      await expectAppwriteError(
        new Teams(t.guest()).updateMembershipStatus({ teamId: 'club', membershipId, userId, secret }),
        409,
        'membership_already_confirmed',
      );
    });

    it('accepts through the SDK for the signed-in invitee without a new session', async () => {
      const owner = await ownerClub();
      await owner.createMembership({
        teamId: 'club',
        roles: [],
        userId: 'user-b',
        url: 'http://localhost/join',
      });
      const { params } = lastInvitation();
      const session = await t.login('b');
      const accepted = await new Teams(t.withSession(session.secret)).updateMembershipStatus({
        teamId: 'club',
        membershipId: params.get('membershipId') ?? '',
        userId: 'user-b',
        secret: params.get('secret') ?? '',
      });
      expectModel('membership', accepted);
      expect(accepted.confirm).toBe(true);
      const users = new Users(t.admin());
      expect((await users.listSessions({ userId: 'user-b' })).total).toBe(1);
    });

    it('rejects a wrong secret (401), a wrong user (401), a wrong team (404) and missing params (400)', async () => {
      const { membershipId, userId, secret } = await invite();
      const guest = new Teams(t.guest());
      await expectAppwriteError(
        guest.updateMembershipStatus({ teamId: 'club', membershipId, userId, secret: 'sdasdasd' }),
        401,
        'team_invalid_secret',
      );
      const mismatch = await expectAppwriteError(
        guest.updateMembershipStatus({ teamId: 'club', membershipId, userId: 'sdasd', secret }),
        401,
        'team_invite_mismatch',
      );
      expect(mismatch.message).toBe('Invite does not belong to current user ()');
      const other = await t.login('c');
      await expectAppwriteError(
        new Teams(t.withSession(other.secret)).updateMembershipStatus({
          teamId: 'club',
          membershipId,
          userId,
          secret,
        }),
        401,
        'team_invite_mismatch',
      );
      await adminTeams().create({ teamId: 'other', name: 'Other' });
      await expectAppwriteError(
        guest.updateMembershipStatus({ teamId: 'other', membershipId, userId, secret }),
        404,
        'team_membership_mismatch',
      );
      await expectAppwriteError(
        guest.updateMembershipStatus({ teamId: 'club', membershipId: 'unknown', userId, secret }),
        404,
        'membership_not_found',
      );
      const response = await t.raw(`/teams/club/memberships/${membershipId}/status`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, secret: '' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ message: 'Param "secret" is not optional.' });
    });
  });

  describe('GET /v1/teams/:teamId/memberships and /:membershipId', () => {
    it('lists with queries, search and cursors, and gets one membership', async () => {
      const owner = await ownerClub();
      const invited = await owner.createMembership({
        teamId: 'club',
        roles: ['player'],
        email: 'friend@example.com',
        url: 'http://localhost/join',
      });
      const list = await owner.listMemberships({ teamId: 'club' });
      expectModel('membershipList', list);
      expect(list.total).toBe(2);
      const [own, open] = list.memberships;
      expect(own).toMatchObject({ userId: 'user-a', roles: ['owner'], confirm: true });
      expect(open?.$id).toBe(invited.$id);

      const ids = async (queries: string[], search?: string) =>
        (await owner.listMemberships({ teamId: 'club', queries, search })).memberships.map((m) => m.$id);
      expect(await ids([Query.equal('confirm', true)])).toEqual([own?.$id]);
      expect(await ids([Query.equal('confirm', false)])).toEqual([invited.$id]);
      // Teams lists check their queries with the same validator as Users: no limit below 1.
      const refused = await expectAppwriteError(ids([Query.limit(0)]), 400, 'general_argument_invalid');
      expect(refused.message).toBe(
        'Invalid `queries` param: Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000',
      );
      await expectAppwriteError(ids([Query.select(['$id'])]), 400, 'general_argument_invalid');
      expect(await ids([Query.offset(1)])).toEqual([invited.$id]);
      expect(await ids([Query.cursorAfter(own?.$id ?? '')])).toEqual([invited.$id]);
      expect(await ids([], 'user-a')).toEqual([own?.$id]);
      expect(await ids([], invited.$id)).toEqual([invited.$id]);
      expect(await owner.listMemberships({ teamId: 'club', search: 'unknown' })).toEqual({
        total: 0,
        memberships: [],
      });
      expect((await owner.listMemberships({ teamId: 'club', total: false })).total).toBe(0);

      const got = await owner.getMembership({ teamId: 'club', membershipId: invited.$id });
      expectModel('membership', got);
      expect(got).toMatchObject({
        userEmail: 'friend@example.com',
        teamName: 'Club',
        confirm: false,
        joined: '',
      });
      await expectAppwriteError(
        owner.getMembership({ teamId: 'club', membershipId: `${invited.$id}x` }),
        404,
        'membership_not_found',
      );
      await expectAppwriteError(
        new Teams(t.guest()).getMembership({ teamId: 'club', membershipId: invited.$id }),
        401,
        'general_unauthorized_scope',
      );
      await expectAppwriteError(
        (await teamsOf('c')).listMemberships({ teamId: 'club' }),
        404,
        'team_not_found',
      );
    });
  });

  describe('PATCH and DELETE /v1/teams/:teamId/memberships/:membershipId', () => {
    const clubWithMemberB = async () => {
      const owner = await ownerClub();
      const member = await adminTeams().createMembership({
        teamId: 'club',
        roles: ['admin'],
        userId: 'user-b',
      });
      const ownMembership = (await owner.listMemberships({ teamId: 'club' })).memberships[0];
      return { owner, member, ownerMembershipId: ownMembership?.$id ?? '' };
    };

    it('lets an owner change roles and refuses a plain member (401)', async () => {
      const { owner, member, ownerMembershipId } = await clubWithMemberB();
      const roles = ['admin', 'editor', 'uncle'];
      const updated = await owner.updateMembership({ teamId: 'club', membershipId: member.$id, roles });
      expectModel('membership', updated);
      expect(updated.roles).toEqual(roles);
      await expectAppwriteError(
        owner.updateMembership({ teamId: 'abc', membershipId: member.$id, roles }),
        404,
        'team_not_found',
      );
      await expectAppwriteError(
        owner.updateMembership({ teamId: 'club', membershipId: 'abc', roles }),
        404,
        'membership_not_found',
      );
      const error = await expectAppwriteError(
        (await teamsOf('b')).updateMembership({ teamId: 'club', membershipId: ownerMembershipId, roles: [] }),
        401,
        'user_unauthorized',
      );
      expect(error.message).toBe('User is not allowed to modify roles');
    });

    it('lets members leave and owners remove, and nobody else', async () => {
      const { owner, member, ownerMembershipId } = await clubWithMemberB();
      const b = await teamsOf('b');
      await expectAppwriteError(
        b.deleteMembership({ teamId: 'club', membershipId: 'dne' }),
        404,
        'team_invite_not_found',
      );
      await expectAppwriteError(
        b.deleteMembership({ teamId: 'club', membershipId: ownerMembershipId }),
        401,
        'user_unauthorized',
      );
      await b.deleteMembership({ teamId: 'club', membershipId: member.$id });
      expect((await owner.listMemberships({ teamId: 'club' })).total).toBe(1);
      expect((await owner.get({ teamId: 'club' })).total).toBe(1);

      await owner.deleteMembership({ teamId: 'club', membershipId: ownerMembershipId });
      await expectAppwriteError(
        owner.getMembership({ teamId: 'club', membershipId: ownerMembershipId }),
        404,
        'team_not_found',
      );
      expect((await adminTeams().get({ teamId: 'club' })).total).toBe(0);
    });

    it('returns 404 team_membership_mismatch for a membership of another team', async () => {
      const { member } = await clubWithMemberB();
      await adminTeams().create({ teamId: 'other', name: 'Other' });
      await expectAppwriteError(
        adminTeams().deleteMembership({ teamId: 'other', membershipId: member.$id }),
        404,
        'team_membership_mismatch',
      );
    });
  });
});
