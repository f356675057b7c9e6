import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard, signJwt, verifyJwt } from '../auth.ts';
import { digestEquals, hashPassword, sha256, uniqueId, verifyPassword } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { addUser, emailTargets, newUser, type Session, type User } from '../model.ts';
import { accountModel, sessionModel } from '../models.ts';
import { readParams, v, validate } from '../params.ts';
import { clearSessionCookies, createSessionResponse } from '../sessions.ts';

const HOUR = 3600;

/** The signed-in user; the `account` scope check has already excluded guests and API keys. */
const currentUser = (c: Context<EmulatorEnv>): User => {
  const caller = c.var.caller;
  if (caller.kind !== 'user') throw new AppwriteError('general_unauthorized_scope');
  return caller.user;
};

/** Resolves `current` or an ID among the user's sessions; `current` needs a session credential, not a JWT. */
const findSession = (c: Context<EmulatorEnv>, user: User, sessionId: string): Session => {
  const session =
    sessionId === 'current'
      ? c.var.caller.kind === 'user' && c.var.caller.method === 'session'
        ? c.var.storeSession
        : null
      : user.sessions.find((candidate) => candidate.id === sessionId);
  if (!session) throw new AppwriteError('user_session_not_found');
  return session;
};

/** Account API: sign-up, sessions, JWTs (contract §4.1–§4.9, Appwrite 1.9 behaviour). */
export const accountRoutes = new Hono<EmulatorEnv>()
  .post(
    '/account',
    guard({ scope: 'sessions.write', rateLimit: { limit: 10, window: HOUR, key: 'url:{url},ip:{ip}' } }),
    async (c) => {
      const { project, emulator } = c.var;
      const params = validate(await readParams(c), {
        userId: { schema: v.customId },
        email: { schema: v.email },
        password: { schema: v.password },
        name: { schema: v.text(128), optional: true },
      });
      const now = emulator.clock.now();
      const id = params.userId === 'unique()' ? uniqueId(now) : params.userId;
      const email = params.email.toLowerCase();
      if (project.users.has(id) || project.emails.has(email)) throw new AppwriteError('user_already_exists');
      const user = newUser(id, now, {
        name: params.name ?? '',
        email,
        password: await hashPassword(params.password),
        passwordUpdate: now,
        targets: emailTargets(email, now),
      });
      addUser(project, user);
      return c.json(accountModel(user), 201);
    },
  )
  .get('/account', guard({ scope: 'account' }), (c) => c.json(accountModel(currentUser(c))))
  .patch('/account/email', guard({ scope: 'account' }), async (c) => {
    const { project, emulator } = c.var;
    const user = currentUser(c);
    const params = validate(await readParams(c), {
      email: { schema: v.email },
      password: { schema: v.password },
    });
    // A user who never set a password (a guest) sets it here; otherwise it must match.
    if (user.password && !(await verifyPassword(params.password, user.password))) {
      throw new AppwriteError('user_invalid_credentials');
    }
    const email = params.email.toLowerCase();
    const owner = project.emails.get(email);
    if (owner !== undefined && owner !== user.id) throw new AppwriteError('user_email_already_exists');
    const now = emulator.clock.now();
    if (!user.password) {
      user.password = await hashPassword(params.password);
      user.passwordUpdate = now;
    }
    if (user.email) project.emails.delete(user.email);
    project.emails.set(email, user.id);
    if (user.email !== email) user.emailVerification = false;
    user.email = email;
    user.targets = emailTargets(email, now, user.targets[0]?.id);
    user.updatedAt = now;
    return c.json(accountModel(user));
  })
  .patch(
    '/account/password',
    guard({ scope: 'account', rateLimit: { limit: 10, window: HOUR, key: 'url:{url},ip:{ip}' } }),
    async (c) => {
      const user = currentUser(c);
      const params = validate(await readParams(c), {
        password: { schema: v.password },
        oldPassword: { schema: v.password, optional: true },
      });
      if (
        user.password &&
        !(params.oldPassword && (await verifyPassword(params.oldPassword, user.password)))
      ) {
        throw new AppwriteError('user_invalid_credentials');
      }
      const now = c.var.emulator.clock.now();
      user.password = await hashPassword(params.password);
      user.passwordUpdate = now;
      user.updatedAt = now;
      return c.json(accountModel(user));
    },
  )
  .post(
    '/account/sessions/email',
    guard({
      scope: 'sessions.write',
      rateLimit: { limit: 10, window: HOUR, key: 'url:{url},email:{param-email}', resetOn: [201] },
      rejectSession: true,
    }),
    async (c) => {
      const { project } = c.var;
      const params = validate(await readParams(c), {
        email: { schema: v.email },
        password: { schema: v.password },
      });
      const email = params.email.toLowerCase();
      const userId = project.emails.get(email);
      const user = userId === undefined ? undefined : project.users.get(userId);
      if (!user?.password || !(await verifyPassword(params.password, user.password))) {
        throw new AppwriteError('user_invalid_credentials');
      }
      if (!user.status) throw new AppwriteError('user_blocked');
      return createSessionResponse(c, user, { provider: 'email', providerUid: email, factors: ['password'] });
    },
  )
  .post(
    '/account/sessions/anonymous',
    guard({
      scope: 'sessions.write',
      rateLimit: { limit: 50, window: HOUR, key: 'ip:{ip}' },
      rejectSession: true,
    }),
    (c) => {
      const { project, emulator } = c.var;
      const now = emulator.clock.now();
      const user = newUser(uniqueId(now), now);
      addUser(project, user);
      return createSessionResponse(c, user, {
        provider: 'anonymous',
        providerUid: '',
        factors: ['anonymous'],
      });
    },
  )
  .post(
    '/account/sessions/token',
    guard({
      scope: 'sessions.write',
      rateLimit: { limit: 10, window: HOUR, key: 'ip:{ip},userId:{param-userId}', resetOn: [201] },
      rejectSession: true,
    }),
    async (c) => {
      const { project, emulator } = c.var;
      const params = validate(await readParams(c), {
        userId: { schema: v.customId },
        secret: { schema: v.text(512) },
      });
      const now = emulator.clock.now();
      const user = project.users.get(params.userId);
      if (!user) throw new AppwriteError('user_invalid_token');
      // Appwrite 1.9 wraps OAuth2 token secrets in a 60-second HS256 JWT {secret, provider};
      // a raw secret is only accepted for non-OAuth2 tokens.
      let rawSecret = params.secret;
      let oauth = false;
      if (params.secret.split('.').length === 3) {
        try {
          const claims = await verifyJwt(emulator.jwtSecret, params.secret, now);
          if (typeof claims.secret === 'string') {
            rawSecret = claims.secret;
            oauth = true;
          }
        } catch {
          throw new AppwriteError('user_invalid_token');
        }
      }
      const digest = sha256(rawSecret);
      const token = user.tokens.find(
        (candidate) =>
          digestEquals(candidate.secretHash, digest) &&
          candidate.expire >= now &&
          (candidate.type === 'oauth2') === oauth,
      );
      if (!token) throw new AppwriteError('user_invalid_token');
      user.tokens = user.tokens.filter((candidate) => candidate !== token);
      if (!user.status) throw new AppwriteError('user_blocked');
      return createSessionResponse(
        c,
        user,
        token.type === 'oauth2'
          ? { provider: token.provider, providerUid: user.email ?? '', factors: ['email'] }
          : { provider: 'token', providerUid: '', factors: ['token'] },
      );
    },
  )
  .get('/account/sessions', guard({ scope: 'account' }), (c) => {
    const user = currentUser(c);
    const current =
      c.var.caller.kind === 'user' && c.var.caller.method === 'session' ? c.var.storeSession : null;
    return c.json({
      total: user.sessions.length,
      sessions: user.sessions.map((session) => sessionModel(session, { current: session === current })),
    });
  })
  .get('/account/sessions/:sessionId', guard({ scope: 'account' }), (c) => {
    const user = currentUser(c);
    const session = findSession(c, user, c.req.param('sessionId'));
    return c.json(sessionModel(session, { current: session === c.var.storeSession }));
  })
  .delete(
    '/account/sessions/:sessionId',
    guard({ scope: 'account', rateLimit: { limit: 100, window: HOUR, key: 'url:{url},ip:{ip}' } }),
    (c) => {
      const user = currentUser(c);
      const session = findSession(c, user, c.req.param('sessionId'));
      user.sessions = user.sessions.filter((candidate) => candidate !== session);
      if (session === c.var.storeSession) clearSessionCookies(c);
      return c.body(null, 204);
    },
  )
  .delete(
    '/account/sessions',
    guard({ scope: 'account', rateLimit: { limit: 100, window: HOUR, key: 'url:{url},ip:{ip}' } }),
    (c) => {
      const user = currentUser(c);
      const hadOwn = c.var.storeSession !== null && user.sessions.includes(c.var.storeSession);
      user.sessions = [];
      if (hadOwn) clearSessionCookies(c);
      return c.body(null, 204);
    },
  )
  .post(
    '/account/jwts',
    guard({ scope: 'account', rateLimit: { limit: 120, window: 60, key: 'url:{url},userId:{userId}' } }),
    async (c) => {
      const user = currentUser(c);
      const { duration } = validate(await readParams(c), {
        duration: { schema: v.range(1, 3600), optional: true },
      });
      // Only a session credential can mint a JWT: a JWT-authenticated call has no session to bind.
      const session =
        c.var.caller.kind === 'user' && c.var.caller.method === 'session' ? c.var.storeSession : null;
      if (!session) throw new AppwriteError('user_session_not_found');
      const exp = Math.floor(c.var.emulator.clock.now() / 1000) + (duration ?? 900);
      const jwt = await signJwt(c.var.emulator.jwtSecret, { userId: user.id, sessionId: session.id, exp });
      return c.json({ jwt }, 201);
    },
  );
