import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard } from '../auth.ts';
import { formatDate } from '../clock.ts';
import { digestEquals, hashPassword, randomHex, sha256, uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { type ListSchema, runList } from '../list-queries.ts';
import { addUser, emailTargets, newUser, type User } from '../model.ts';
import { sendMail } from '../outbox.ts';
import { LIST_SHAPE, v, validate } from '../params.ts';
import { openSession } from '../sessions.ts';
import { canWriteMembership, isOwnerOrKey, readableMembership, visibleTeam } from '../teams/access.ts';
import { invitationMail, invitationUrl } from '../teams/invitation.ts';
import type { Membership, Team } from '../teams/model.ts';
import { membershipModel } from '../teams/models.ts';
import { checkRedirect, listParams, phone, roles, routeParams } from '../teams/params.ts';
import { TEAM_LIST_RULES } from '../teams/queries.ts';

const READ = guard({ scope: 'teams.read' });
const WRITE = guard({ scope: 'teams.write' });
const IDS = { teamId: { schema: v.uid }, membershipId: { schema: v.uid } };

/** Memberships as `listMemberships` queries them (Appwrite's `Memberships::ALLOWED_ATTRIBUTES`). */
const MEMBERSHIPS: ListSchema<Membership> = {
  name: 'Membership',
  attributes: {
    $id: { read: (membership) => membership.id },
    $createdAt: { read: (membership) => formatDate(membership.createdAt) },
    $updatedAt: { read: (membership) => formatDate(membership.updatedAt) },
    userId: { read: (membership) => membership.userId },
    teamId: { read: (membership) => membership.teamId },
    invited: { read: (membership) => formatDate(membership.invited) },
    joined: { read: (membership) => (membership.joined === null ? null : formatDate(membership.joined)) },
    confirm: { read: (membership) => membership.confirm },
  },
  id: (membership) => membership.id,
  searchText: (membership) => `${membership.id} ${membership.userId}`,
  rules: TEAM_LIST_RULES,
};

const findUserBy = (c: Context<EmulatorEnv>, field: 'email' | 'phone', value: string): User | undefined =>
  [...c.var.project.users.values()].find((user) => user[field] === value);

/**
 * The invitee: the user named by `userId`, else the one with `email`, else the one with `phone`;
 * a new user (random password, no session) when none exists, as Appwrite creates one.
 */
const resolveInvitee = async (
  c: Context<EmulatorEnv>,
  given: { userId?: string; email: string; phone?: string; name: string },
): Promise<User> => {
  const { project, emulator, caller } = c.var;
  let invitee: User | undefined;
  if (given.userId) {
    invitee = project.users.get(given.userId);
    if (!invitee) throw new AppwriteError('user_not_found', "User with given userId doesn't exist.");
    if (given.email && (invitee.email ?? '') !== given.email)
      throw new AppwriteError('user_already_exists', "Given userId and email doesn't match");
    if (given.phone && invitee.phone !== given.phone)
      throw new AppwriteError('user_already_exists', "Given userId and phone doesn't match");
    return invitee;
  }
  if (given.email) {
    invitee = findUserBy(c, 'email', given.email);
    if (invitee && given.phone && invitee.phone !== given.phone)
      throw new AppwriteError('user_already_exists', "Given email and phone doesn't match");
  } else if (given.phone) {
    invitee = findUserBy(c, 'phone', given.phone);
  }
  if (invitee) return invitee;

  const limit = project.auth.limit;
  if (caller.kind !== 'key' && limit !== 0 && project.users.size >= limit) {
    throw new AppwriteError(
      'user_count_exceeded',
      'Project registration is restricted. Contact your administrator for more information.',
    );
  }
  const now = emulator.clock.now();
  const email = given.email || null;
  const user = newUser(uniqueId(now), now, {
    name: given.name,
    email,
    phone: given.phone ?? '',
    password: await hashPassword(randomHex(32)),
    // No password update time, so the invitee may set a password without knowing the random one.
    passwordUpdate: null,
    targets: emailTargets(email, now),
  });
  addUser(project, user);
  return user;
};

/** Sends the invitation email with the accept link (client invitations only). */
const sendInvitation = (
  c: Context<EmulatorEnv>,
  details: { team: Team; membership: Membership; invitee: User; secret: string; url: string; name: string },
) => {
  const { project, emulator, caller } = c.var;
  const { team, membership, invitee, secret, url, name } = details;
  const redirect = invitationUrl(url, {
    membershipId: membership.id,
    userId: invitee.id,
    secret,
    teamId: team.id,
    teamName: team.name,
  });
  if (!invitee.email) {
    // Appwrite would text the link; the emulator has no SMS provider, like an instance without one.
    throw new AppwriteError('general_phone_disabled', 'Phone provider not configured');
  }
  const mail = invitationMail({
    owner: caller.kind === 'user' ? caller.user.name : '',
    user: name,
    team: team.name,
    project: project.name,
    redirect,
  });
  sendMail(emulator, { projectId: project.id, to: { address: invitee.email, name: invitee.name }, ...mail });
};

/** Team memberships: invitations, their acceptance, roles and removal. */
export const membershipRoutes = new Hono<EmulatorEnv>()
  .post(
    '/teams/:teamId/memberships',
    guard({ scope: 'teams.write', rateLimit: { limit: 10, window: 3600, key: 'url:{url},ip:{ip}' } }),
    async (c) => {
      const { caller, project, emulator } = c.var;
      const params = validate(await routeParams(c), {
        teamId: { schema: v.uid },
        email: { schema: v.email, optional: true },
        userId: { schema: v.uid, optional: true },
        phone: { schema: phone, optional: true },
        roles: { schema: roles },
        url: { schema: v.text(2048), optional: true },
        name: { schema: v.text(128), optional: true },
      });
      if (params.url !== undefined) checkRedirect(project, 'url', params.url);
      const isKey = caller.kind === 'key';
      if (!params.url && !isKey) throw new AppwriteError('general_argument_invalid', 'URL is required');
      if (!params.userId && !params.email && !params.phone) {
        throw new AppwriteError(
          'general_argument_invalid',
          'At least one of userId, email, or phone is required',
        );
      }
      const email = params.email?.toLowerCase() ?? '';
      const name = params.name || email;
      const team = visibleTeam(c, params.teamId);
      const invitee = await resolveInvitee(c, { userId: params.userId, email, phone: params.phone, name });
      // As Appwrite, the invitee is looked up (or created) before the inviter's role is checked.
      if (!isOwnerOrKey(c, team)) {
        throw new AppwriteError('user_unauthorized', 'User is not allowed to send invitations for this team');
      }

      const now = emulator.clock.now();
      const secret = randomHex(128);
      let membership = [...team.memberships.values()].find((candidate) => candidate.userId === invitee.id);
      if (membership?.confirm) throw new AppwriteError('membership_already_confirmed');
      if (membership) {
        // An open invitation is renewed: new secret and invitation time (a key confirms it at once).
        membership.secretHash = sha256(secret);
        membership.invited = now;
        membership.updatedAt = now;
        if (isKey) {
          membership.joined = now;
          membership.confirm = true;
        }
      } else {
        membership = {
          id: uniqueId(now),
          createdAt: now,
          updatedAt: now,
          teamId: team.id,
          userId: invitee.id,
          roles: params.roles,
          invited: now,
          joined: isKey ? now : null,
          confirm: isKey,
          secretHash: sha256(secret),
          readableByAny: true,
        };
        team.memberships.set(membership.id, membership);
      }
      if (!isKey && params.url) {
        sendInvitation(c, { team, membership, invitee, secret, url: params.url, name: invitee.name || name });
      }
      return c.json(membershipModel(project, team, membership), 201);
    },
  )
  .get('/teams/:teamId/memberships', READ, async (c) => {
    const params = validate(await listParams(c), { teamId: { schema: v.uid }, ...LIST_SHAPE });
    const team = visibleTeam(c, params.teamId);
    const { page, total } = runList(
      MEMBERSHIPS,
      [...team.memberships.values()],
      params.queries ?? [],
      params.search,
    );
    return c.json({
      total: params.total === false ? 0 : total,
      memberships: page.map((membership) =>
        membershipModel(c.var.project, team, membership, { withPhone: true }),
      ),
    });
  })
  .get('/teams/:teamId/memberships/:membershipId', READ, async (c) => {
    const params = validate(await routeParams(c), IDS);
    const team = visibleTeam(c, params.teamId);
    // Appwrite looks the membership up by ID alone, without checking it belongs to this team.
    const found = readableMembership(c, params.membershipId);
    if (!found) throw new AppwriteError('membership_not_found');
    return c.json(membershipModel(c.var.project, team, found.membership));
  })
  .patch('/teams/:teamId/memberships/:membershipId', WRITE, async (c) => {
    const { project, emulator } = c.var;
    const params = validate(await routeParams(c), { ...IDS, roles: { schema: roles } });
    const team = visibleTeam(c, params.teamId);
    const found = readableMembership(c, params.membershipId);
    if (!found) throw new AppwriteError('membership_not_found');
    const profile = project.users.get(found.membership.userId);
    if (!profile) throw new AppwriteError('user_not_found');
    if (!isOwnerOrKey(c, team))
      throw new AppwriteError('user_unauthorized', 'User is not allowed to modify roles');
    if (!canWriteMembership(c, found.team, found.membership)) throw new AppwriteError('user_unauthorized');
    found.membership.roles = params.roles;
    found.membership.updatedAt = emulator.clock.now();
    return c.json(membershipModel(project, team, found.membership));
  })
  .patch('/teams/:teamId/memberships/:membershipId/status', guard({ scope: 'public' }), async (c) => {
    const { project, emulator, caller } = c.var;
    const params = validate(await routeParams(c), {
      ...IDS,
      userId: { schema: v.uid },
      secret: { schema: v.text(256) },
    });
    const found = readableMembership(c, params.membershipId);
    if (!found) throw new AppwriteError('membership_not_found');
    const team = project.teams.get(params.teamId);
    if (!team) throw new AppwriteError('team_not_found');
    const { membership } = found;
    if (found.team !== team) throw new AppwriteError('team_membership_mismatch');
    if (!membership.secretHash || !digestEquals(sha256(params.secret), membership.secretHash)) {
      throw new AppwriteError('team_invalid_secret');
    }
    const sessionUser = caller.kind === 'user' ? caller.user : null;
    const mismatch = () =>
      new AppwriteError(
        'team_invite_mismatch',
        `Invite does not belong to current user (${sessionUser?.email ?? ''})`,
      );
    if (params.userId !== membership.userId) throw mismatch();
    const user = sessionUser ?? project.users.get(params.userId);
    if (!user || user.id !== membership.userId) throw mismatch();
    if (membership.confirm) throw new AppwriteError('membership_already_confirmed');

    const now = emulator.clock.now();
    membership.joined = now;
    membership.confirm = true;
    membership.updatedAt = now;
    // Following the emailed link proves the address.
    user.emailVerification = true;
    user.updatedAt = now;
    if (!sessionUser) {
      openSession(c, user, {
        provider: 'email',
        providerUid: user.email ?? '',
        factors: ['email'],
        defaultUserAgent: 'UNKNOWN',
      });
    }
    return c.json(membershipModel(project, team, membership));
  })
  .delete('/teams/:teamId/memberships/:membershipId', WRITE, async (c) => {
    const { project } = c.var;
    const params = validate(await routeParams(c), IDS);
    const found = readableMembership(c, params.membershipId);
    if (!found) throw new AppwriteError('team_invite_not_found');
    if (!project.users.has(found.membership.userId)) throw new AppwriteError('user_not_found');
    const team = visibleTeam(c, params.teamId);
    if (found.team !== team) throw new AppwriteError('team_membership_mismatch');
    if (!canWriteMembership(c, team, found.membership)) throw new AppwriteError('user_unauthorized');
    team.memberships.delete(found.membership.id);
    return c.body(null, 204);
  });
