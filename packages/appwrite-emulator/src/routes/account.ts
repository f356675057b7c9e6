import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard, signJwt } from '../auth.ts';
import { hashPassword, uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { addUser, emailTargets, newUser } from '../model.ts';
import { accountModel } from '../models.ts';
import { readParams, v, validate } from '../params.ts';
import { checkPasswordDictionary, checkPasswordPolicy, nextPasswordHistory } from '../password-policy.ts';
import { accountProfileRoutes } from './account-profile.ts';
import { accountSessionRoutes } from './account-sessions.ts';
import { callerSession, checkUserLimit, currentUser, HOUR } from './account-shared.ts';
import { accountTokenRoutes } from './account-tokens.ts';

const jwtGuard = guard({
  scope: 'account',
  rateLimit: { limit: 120, window: 60, key: 'url:{url},userId:{userId}' },
});

/** `POST /account/jwts` and its alias `POST /account/jwt`: a JWT bound to the caller's session. */
const createJwt = async (c: Context<EmulatorEnv>): Promise<Response> => {
  const user = currentUser(c);
  const { duration } = validate(await readParams(c), {
    duration: { schema: v.range(1, 3600), optional: true },
  });
  // Only a session credential can mint a JWT: a JWT-authenticated call has no session to bind.
  const session = callerSession(c);
  if (!session) throw new AppwriteError('user_session_not_found');
  const exp = Math.floor(c.var.emulator.clock.now() / 1000) + (duration ?? 900);
  const jwt = await signJwt(c.var.emulator.jwtSecret, { userId: user.id, sessionId: session.id, exp });
  return c.json({ jwt }, 201);
};

/**
 * Account API (Appwrite 1.9 behaviour): sign-up, the current account and JWTs here; profile
 * updates, sessions, and the email token flows in their own modules.
 */
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
      checkPasswordDictionary(project, params.password);
      checkUserLimit(project);
      const now = emulator.clock.now();
      const id = params.userId === 'unique()' ? uniqueId(now) : params.userId;
      const email = params.email.toLowerCase();
      const name = params.name ?? '';
      await checkPasswordPolicy(
        project,
        { id, email, name, phone: '', passwordHistory: [] },
        params.password,
      );
      if (project.users.has(id) || project.emails.has(email)) throw new AppwriteError('user_already_exists');
      const password = await hashPassword(params.password);
      const user = newUser(id, now, {
        name,
        email,
        password,
        passwordHistory: nextPasswordHistory(project, [], password),
        passwordUpdate: now,
        targets: emailTargets(email, now),
      });
      addUser(project, user);
      return c.json(accountModel(user), 201);
    },
  )
  .get('/account', guard({ scope: 'account' }), (c) => c.json(accountModel(currentUser(c))))
  .post('/account/jwts', jwtGuard, createJwt)
  .post('/account/jwt', jwtGuard, createJwt)
  .route('/', accountProfileRoutes)
  .route('/', accountSessionRoutes)
  .route('/', accountTokenRoutes);
