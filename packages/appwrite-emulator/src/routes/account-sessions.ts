import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard, verifyJwt } from '../auth.ts';
import { hashPassword, isDefaultHash, uniqueId, verifyPassword } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { addUser, newUser, type TokenType } from '../model.ts';
import { sessionModel } from '../models.ts';
import { readParams, v, validate } from '../params.ts';
import type { RateLimitRule } from '../ratelimit.ts';
import { clearSessionCookies, createSessionResponse } from '../sessions.ts';
import {
  callerSession,
  checkUserLimit,
  consumeToken,
  currentUser,
  findSession,
  HOUR,
  verifyToken,
} from './account-shared.ts';

/** Token types a raw (not JWT-wrapped) secret may redeem: every login token except OAuth2's. */
const LOGIN_TOKEN_TYPES: readonly TokenType[] = ['generic', 'magic-url', 'email', 'phone'];

/** The session `provider` and MFA factor each kind of login token yields (Appwrite's token types). */
const TOKEN_SESSION: Record<TokenType, { provider: string; factor: string } | null> = {
  generic: { provider: 'token', factor: 'token' },
  'magic-url': { provider: 'magic-url', factor: 'email' },
  email: { provider: 'email', factor: 'email' },
  phone: { provider: 'phone', factor: 'phone' },
  oauth2: { provider: 'oauth2', factor: 'email' },
  verification: null,
  recovery: null,
};

const tokenSessionRule = (resetOn?: number[]): RateLimitRule => ({
  limit: 10,
  window: HOUR,
  key: 'ip:{ip},userId:{param-userId}',
  ...(resetOn ? { resetOn } : {}),
});

/**
 * Appwrite's `createSession` action: redeems a login token (generic, magic URL, email OTP, phone or
 * a JWT-wrapped OAuth2 secret) for a session. The token is spent; redeeming a magic URL or email
 * token verifies the email, a phone token the phone.
 */
const sessionFromToken = async (c: Context<EmulatorEnv>): Promise<Response> => {
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
  let types = LOGIN_TOKEN_TYPES;
  if (params.secret.split('.').length === 3) {
    try {
      const claims = await verifyJwt(emulator.jwtSecret, params.secret, now);
      if (typeof claims.secret === 'string') {
        rawSecret = claims.secret;
        types = ['oauth2'];
      }
    } catch {
      throw new AppwriteError('user_invalid_token');
    }
  }
  const token = verifyToken(user, rawSecret, now, types);
  const kind = token ? TOKEN_SESSION[token.type] : null;
  if (!token || !kind) throw new AppwriteError('user_invalid_token');
  consumeToken(user, token);
  if (!user.status) throw new AppwriteError('user_blocked');
  if (token.type === 'magic-url' || token.type === 'email') user.emailVerification = true;
  if (token.type === 'phone') user.phoneVerification = true;
  return createSessionResponse(
    c,
    user,
    token.type === 'oauth2'
      ? { provider: token.provider, providerUid: user.email ?? '', factors: [kind.factor] }
      : {
          provider: kind.provider,
          providerUid: token.type === 'generic' ? '' : params.userId,
          factors: [kind.factor],
        },
  );
};

const emailSessionGuard = guard({
  scope: 'sessions.write',
  rateLimit: { limit: 10, window: HOUR, key: 'url:{url},email:{param-email}', resetOn: [201] },
  rejectSession: true,
});

/** `POST /account/sessions/email` and its deprecated alias `POST /account/sessions`. */
const emailPasswordSession = async (c: Context<EmulatorEnv>): Promise<Response> => {
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
  // Appwrite moves an imported hash (md5, bcrypt, …) to its own Argon2 at the first sign-in.
  if (!isDefaultHash(user.password)) {
    user.password = await hashPassword(params.password);
    user.updatedAt = c.var.emulator.clock.now();
  }
  return createSessionResponse(c, user, { provider: 'email', providerUid: email, factors: ['password'] });
};

const deleteRule: RateLimitRule = { limit: 100, window: HOUR, key: 'url:{url},ip:{ip}' };

/** Account API: creating, listing, extending and ending sessions. */
export const accountSessionRoutes = new Hono<EmulatorEnv>()
  .post('/account/sessions/email', emailSessionGuard, emailPasswordSession)
  .post('/account/sessions', emailSessionGuard, emailPasswordSession)
  .post(
    '/account/sessions/anonymous',
    guard({
      scope: 'sessions.write',
      rateLimit: { limit: 50, window: HOUR, key: 'ip:{ip}' },
      rejectSession: true,
    }),
    (c) => {
      const { project, emulator } = c.var;
      checkUserLimit(project);
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
    guard({ scope: 'sessions.write', rateLimit: tokenSessionRule([201]), rejectSession: true }),
    sessionFromToken,
  )
  .put(
    '/account/sessions/magic-url',
    guard({ scope: 'sessions.write', rateLimit: tokenSessionRule(), rejectSession: true }),
    sessionFromToken,
  )
  .put(
    '/account/sessions/phone',
    guard({ scope: 'sessions.write', rateLimit: tokenSessionRule(), rejectSession: true }),
    sessionFromToken,
  )
  .get('/account/sessions', guard({ scope: 'account' }), (c) => {
    const user = currentUser(c);
    const current = callerSession(c);
    return c.json({
      total: user.sessions.length,
      sessions: user.sessions.map((session) => sessionModel(session, { current: session === current })),
    });
  })
  .get('/account/sessions/:sessionId', guard({ scope: 'account' }), (c) => {
    const user = currentUser(c);
    const session = findSession(c, user, c.req.param('sessionId'));
    return c.json(sessionModel(session, { current: session === callerSession(c) }));
  })
  .patch(
    '/account/sessions/:sessionId',
    guard({ scope: 'account', rateLimit: { limit: 10, window: HOUR, key: 'url:{url},userId:{userId}' } }),
    (c) => {
      const { project, emulator } = c.var;
      const user = currentUser(c);
      const session = findSession(c, user, c.req.param('sessionId'));
      const now = emulator.clock.now();
      // Extending a session restarts its lifetime: now plus the project's session duration.
      session.expire = now + project.auth.duration * 1000;
      session.updatedAt = now;
      return c.json(sessionModel(session, { current: session === callerSession(c) }));
    },
  )
  .delete('/account/sessions/:sessionId', guard({ scope: 'account', rateLimit: deleteRule }), (c) => {
    const user = currentUser(c);
    const session = findSession(c, user, c.req.param('sessionId'));
    user.sessions = user.sessions.filter((candidate) => candidate !== session);
    if (session === c.var.storeSession) clearSessionCookies(c);
    return c.body(null, 204);
  })
  .delete('/account/sessions', guard({ scope: 'account', rateLimit: deleteRule }), (c) => {
    const user = currentUser(c);
    const hadOwn = c.var.storeSession !== null && user.sessions.includes(c.var.storeSession);
    user.sessions = [];
    if (hadOwn) clearSessionCookies(c);
    return c.body(null, 204);
  });
