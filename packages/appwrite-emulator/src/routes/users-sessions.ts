/**
 * Users API: a user's sessions, tokens, JWTs, team memberships and targets
 * (`app/controllers/api/users.php`, Appwrite 1.9).
 */
import { Hono } from 'hono';
import { type EmulatorEnv, signJwt } from '../auth.ts';
import { randomHex, sha256, uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { type ListSchema, runList } from '../list-queries.ts';
import type { Target, Token } from '../model.ts';
import { sessionModel, targetModel, tokenModel } from '../models.ts';
import { readParams, v, validate } from '../params.ts';
import { createSessionResponse } from '../sessions.ts';
import type { Membership } from '../teams/model.ts';
import { membershipModel } from '../teams/models.ts';
import { type TeamMembership, userMemberships } from '../teams/store.ts';
import { findUser, READ, readListParams, SESSIONS_READ, SESSIONS_WRITE, WRITE } from './users-shared.ts';

/** `TOKEN_EXPIRATION_LOGIN_LONG`: the longest a token may live (one year). */
const YEAR = 31_536_000;

const membership = (
  read: (m: Membership) => unknown,
  type: 'string' | 'boolean' | 'datetime' = 'string',
) => ({
  type,
  read: (item: TeamMembership) => read(item.membership),
});

/** The attributes `GET /v1/users/:userId/memberships` accepts (`Queries\Memberships`). */
const MEMBERSHIPS: ListSchema<TeamMembership> = {
  name: 'Membership',
  id: (item) => item.membership.id,
  attributes: {
    $id: membership((m) => m.id),
    $createdAt: membership((m) => m.createdAt, 'datetime'),
    $updatedAt: membership((m) => m.updatedAt, 'datetime'),
    userId: membership((m) => m.userId),
    teamId: membership((m) => m.teamId),
    invited: membership((m) => m.invited, 'datetime'),
    joined: membership((m) => m.joined, 'datetime'),
    confirm: membership((m) => m.confirm, 'boolean'),
    roles: { type: 'string[]', read: (item) => item.membership.roles },
  },
  // Appwrite indexes a membership's ID and its user's ID for `search`.
  searchText: (item) => `${item.membership.id} ${item.membership.userId}`,
};

const target = (read: (t: Target) => unknown, type: 'string' | 'datetime' = 'string') => ({ type, read });

/** The attributes `GET /v1/users/:userId/targets` accepts (`Queries\Targets`). */
const TARGETS: ListSchema<Target> = {
  name: 'Target',
  id: (item) => item.id,
  attributes: {
    $id: target((t) => t.id),
    $createdAt: target((t) => t.createdAt, 'datetime'),
    $updatedAt: target((t) => t.updatedAt, 'datetime'),
    userId: target(() => null),
    providerId: target(() => null),
    providerType: target((t) => t.providerType),
    identifier: target((t) => t.identifier),
  },
};

export const usersSessionsRoutes = new Hono<EmulatorEnv>()
  .get('/users/:userId/sessions', SESSIONS_READ, async (c) => {
    const user = findUser(c);
    const { total } = validate(await readParams(c), { total: { schema: v.boolean, optional: true } });
    return c.json({
      total: total === false ? 0 : user.sessions.length,
      sessions: user.sessions.map((session) => sessionModel(session, { current: false })),
    });
  })
  .post('/users/:userId/sessions', SESSIONS_WRITE, (c) =>
    // A server-created session: `secret` is returned (API key) but no cookies are set.
    createSessionResponse(
      c,
      findUser(c),
      { provider: 'server', providerUid: '', factors: ['server'] },
      { cookies: false },
    ),
  )
  .delete('/users/:userId/sessions', SESSIONS_WRITE, (c) => {
    findUser(c).sessions = [];
    return c.body(null, 204);
  })
  .delete('/users/:userId/sessions/:sessionId', SESSIONS_WRITE, (c) => {
    const user = findUser(c);
    const { sessionId } = validate({ sessionId: c.req.param('sessionId') }, { sessionId: { schema: v.uid } });
    const before = user.sessions.length;
    // Only the user's own sessions: another user's session ID is 404, not deleted.
    user.sessions = user.sessions.filter((session) => session.id !== sessionId);
    if (user.sessions.length === before) throw new AppwriteError('user_session_not_found');
    return c.body(null, 204);
  })
  .post('/users/:userId/tokens', WRITE, async (c) => {
    const user = findUser(c);
    const params = validate(await readParams(c), {
      length: { schema: v.range(4, 128), optional: true },
      expire: { schema: v.range(60, YEAR), optional: true },
    });
    const now = c.var.emulator.clock.now();
    const secret = randomHex(64).slice(0, params.length ?? 6);
    const token: Token = {
      id: uniqueId(now),
      createdAt: now,
      userId: user.id,
      secretHash: sha256(secret),
      expire: now + (params.expire ?? 900) * 1000,
      type: 'generic',
      provider: '',
    };
    user.tokens.push(token);
    return c.json(tokenModel(token, secret), 201);
  })
  .post('/users/:userId/jwts', WRITE, async (c) => {
    const user = findUser(c);
    const params = validate(await readParams(c), {
      sessionId: { schema: v.uid, optional: true },
      duration: { schema: v.range(0, 3600), optional: true },
    });
    // As Appwrite 1.9: `recent` binds to the newest session; an unknown or empty ID yields a JWT
    // bound to no session.
    const sessionId =
      params.sessionId === 'recent'
        ? (user.sessions.at(-1)?.id ?? '')
        : user.sessions.some((session) => session.id === params.sessionId)
          ? (params.sessionId ?? '')
          : '';
    const exp = Math.floor(c.var.emulator.clock.now() / 1000) + (params.duration ?? 900);
    return c.json({ jwt: await signJwt(c.var.emulator.jwtSecret, { userId: user.id, sessionId, exp }) }, 201);
  })
  .get('/users/:userId/memberships', READ, async (c) => {
    const { project } = c.var;
    const user = findUser(c);
    const { queries, search, total } = await readListParams(c);
    const result = runList(MEMBERSHIPS, userMemberships(project, user.id), queries, search);
    return c.json({
      total: total ? result.total : 0,
      memberships: result.page.map((item) => membershipModel(project, item.team, item.membership)),
    });
  })
  .get('/users/:userId/targets', READ, async (c) => {
    const user = findUser(c);
    const { queries, total } = await readListParams(c);
    const result = runList(TARGETS, user.targets, queries);
    return c.json({
      total: total ? result.total : 0,
      targets: result.page.map((item) => targetModel(user, item)),
    });
  })
  .get('/users/:userId/targets/:targetId', READ, (c) => {
    const user = findUser(c);
    const { targetId } = validate({ targetId: c.req.param('targetId') }, { targetId: { schema: v.uid } });
    const found = user.targets.find((item) => item.id === targetId);
    if (!found) throw new AppwriteError('user_target_not_found');
    return c.json(targetModel(user, found));
  });
