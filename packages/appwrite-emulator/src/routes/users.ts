import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard, signJwt } from '../auth.ts';
import { hashPassword, randomHex, sha256, uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { addUser, emailTargets, newUser, type User } from '../model.ts';
import { sessionModel, tokenModel, userModel } from '../models.ts';
import { arrayParam, readParams, v, validate } from '../params.ts';
import { createSessionResponse } from '../sessions.ts';
import { pageValue, parseQuery, queryError } from '../tablesdb/rows.ts';

const READ = guard({ scope: 'users.read' });
const WRITE = guard({ scope: 'users.write' });

const findUser = (c: Context<EmulatorEnv>): User => {
  const user = c.var.project.users.get(c.req.param('userId') ?? '');
  if (!user) throw new AppwriteError('user_not_found');
  return user;
};

/** Applies the `limit`, `offset` and `equal` (on `$id`, `email`, `name`) queries the Users API list supports here. */
const listUsers = (users: User[], queries: string[]): { page: User[]; total: number } => {
  let limit = 25;
  let offset = 0;
  let matched = users;
  for (const raw of queries) {
    const query = parseQuery(raw);
    const page = pageValue(query);
    const values = query.values ?? [];
    if (page !== null) {
      if (query.method === 'limit') limit = page;
      else offset = page;
    } else if (query.method === 'equal' && ['$id', 'email', 'name'].includes(query.attribute ?? '')) {
      const field = query.attribute === '$id' ? 'id' : (query.attribute as 'email' | 'name');
      matched = matched.filter((user) => values.includes(user[field]));
    } else {
      throw queryError(`Query method not supported by the emulator's users list: ${query.method}`);
    }
  }
  return { page: matched.slice(offset, offset + limit), total: matched.length };
};

/** Users API (API key only): the parts a backend needs to manage users and their sessions. */
export const usersRoutes = new Hono<EmulatorEnv>()
  .get('/users', READ, async (c) => {
    const params = await readParams(c);
    const queries = validate(
      { queries: arrayParam(c, params, 'queries') },
      { queries: { schema: v.stringArray(100, 4096), optional: true } },
    ).queries;
    const { page, total } = listUsers([...c.var.project.users.values()], queries ?? []);
    return c.json({ total, users: page.map(userModel) });
  })
  .post('/users', WRITE, async (c) => {
    const { project, emulator } = c.var;
    const params = validate(await readParams(c), {
      userId: { schema: v.customId },
      email: { schema: v.email, optional: true },
      phone: { schema: v.text(16), optional: true },
      password: { schema: v.password, optional: true },
      name: { schema: v.text(128), optional: true },
    });
    const now = emulator.clock.now();
    const id = params.userId === 'unique()' ? uniqueId(now) : params.userId;
    const email = params.email?.toLowerCase() ?? null;
    if (project.users.has(id) || (email && project.emails.has(email)))
      throw new AppwriteError('user_already_exists');
    const user = newUser(id, now, {
      name: params.name ?? '',
      email,
      phone: params.phone ?? '',
      password: params.password ? await hashPassword(params.password) : null,
      passwordUpdate: params.password ? now : null,
      targets: emailTargets(email, now),
    });
    addUser(project, user);
    return c.json(userModel(user), 201);
  })
  .get('/users/:userId', READ, (c) => c.json(userModel(findUser(c))))
  .patch('/users/:userId/status', WRITE, async (c) => {
    const user = findUser(c);
    const { status } = validate(await readParams(c), { status: { schema: v.boolean } });
    user.status = status;
    user.updatedAt = c.var.emulator.clock.now();
    return c.json(userModel(user));
  })
  .get('/users/:userId/sessions', READ, (c) => {
    const user = findUser(c);
    return c.json({
      total: user.sessions.length,
      sessions: user.sessions.map((session) => sessionModel(session, { current: false })),
    });
  })
  .post('/users/:userId/sessions', WRITE, (c) =>
    // A server-created session: `secret` is returned (API key) but no cookies are set.
    createSessionResponse(
      c,
      findUser(c),
      { provider: 'server', providerUid: '', factors: ['server'] },
      { cookies: false },
    ),
  )
  .delete('/users/:userId/sessions', WRITE, (c) => {
    findUser(c).sessions = [];
    return c.body(null, 204);
  })
  .delete('/users/:userId/sessions/:sessionId', WRITE, (c) => {
    const user = findUser(c);
    const before = user.sessions.length;
    user.sessions = user.sessions.filter((session) => session.id !== c.req.param('sessionId'));
    if (user.sessions.length === before) throw new AppwriteError('user_session_not_found');
    return c.body(null, 204);
  })
  .post('/users/:userId/tokens', WRITE, async (c) => {
    const user = findUser(c);
    const params = validate(await readParams(c), {
      length: { schema: v.range(4, 128), optional: true },
      expire: { schema: v.range(60, 31_536_000), optional: true },
    });
    const now = c.var.emulator.clock.now();
    const secret = randomHex(64).slice(0, params.length ?? 6);
    const token = {
      id: uniqueId(now),
      createdAt: now,
      userId: user.id,
      secretHash: sha256(secret),
      expire: now + (params.expire ?? 900) * 1000,
      type: 'generic' as const,
      provider: '',
    };
    user.tokens.push(token);
    return c.json(tokenModel(token, secret), 201);
  })
  .post('/users/:userId/jwts', WRITE, async (c) => {
    const user = findUser(c);
    const params = validate(await readParams(c), {
      sessionId: { schema: v.text(36), optional: true },
      duration: { schema: v.range(1, 3600), optional: true },
    });
    // As Appwrite: `recent` binds to the newest session; an unknown or empty ID yields an unbound JWT.
    const sessionId =
      params.sessionId === 'recent'
        ? (user.sessions.at(-1)?.id ?? '')
        : user.sessions.some((session) => session.id === params.sessionId)
          ? (params.sessionId ?? '')
          : '';
    const exp = Math.floor(c.var.emulator.clock.now() / 1000) + (params.duration ?? 900);
    return c.json({ jwt: await signJwt(c.var.emulator.jwtSecret, { userId: user.id, sessionId, exp }) }, 201);
  });
