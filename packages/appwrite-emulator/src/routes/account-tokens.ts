import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard, requestHostname } from '../auth.ts';
import { formatDate } from '../clock.ts';
import { uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { addUser, emailTargets, newUser, type TokenType, type User } from '../model.ts';
import { sendMail } from '../outbox.ts';
import { readParams, v, validate } from '../params.ts';
import { checkPasswordDictionary, checkPasswordPolicy, storePassword } from '../password-policy.ts';
import { accountMail, linkWithSecret } from './account-mail.ts';
import {
  checkUserLimit,
  consumeToken,
  currentUser,
  HOUR,
  issueToken,
  otpCode,
  phoneNumber,
  platformUrl,
  securityPhrase,
  tokenResponse,
  tokenSecret,
  verifyToken,
} from './account-shared.ts';

/** Lifetimes of Appwrite's tokens, in seconds (`Auth::TOKEN_EXPIRATION_*`). */
const CONFIRM_LIFETIME = 3600;
const RECOVERY_LIFETIME = 3600;
const OTP_LIFETIME = 15 * 60;

/** Secret lengths of Appwrite's tokens (`Auth::TOKEN_LENGTH_*`). */
const VERIFICATION_LENGTH = 256;
const RECOVERY_LENGTH = 256;
const MAGIC_URL_LENGTH = 64;

/** Finds the user with this email, or creates one without a password (magic URL and email OTP sign-in). */
const userForEmail = (c: Context<EmulatorEnv>, userId: string, email: string): User => {
  const { project, emulator } = c.var;
  const existing = project.emails.get(email);
  const known = existing === undefined ? undefined : project.users.get(existing);
  if (known) return known;
  checkUserLimit(project);
  const now = emulator.clock.now();
  const id = userId === 'unique()' ? uniqueId(now) : userId;
  if (project.users.has(id)) throw new AppwriteError('user_already_exists');
  const user = newUser(id, now, { email, targets: emailTargets(email, now) });
  addUser(project, user);
  return user;
};

/** The link an email carries: the caller's URL with the token's user, secret, expiry and project. */
const secretLink = (c: Context<EmulatorEnv>, url: string, user: User, secret: string, expire: number) =>
  linkWithSecret(url, {
    userId: user.id,
    secret,
    expire: formatDate(expire),
    project: c.var.project.id,
  });

const mailTo = (user: User) => ({ address: user.email ?? '', name: user.name });

const emailVerificationGuard = guard({
  scope: 'account',
  rateLimit: { limit: 10, window: HOUR, key: 'url:{url},userId:{userId}' },
});

/** `POST /account/verifications/email` (alias `/account/verification`): mails a verification link. */
const createEmailVerification = async (c: Context<EmulatorEnv>): Promise<Response> => {
  const { project, emulator } = c.var;
  const user = currentUser(c);
  const { url } = validate(await readParams(c), { url: { schema: platformUrl(project) } });
  if (!user.email) throw new AppwriteError('user_email_not_found');
  if (user.emailVerification) throw new AppwriteError('user_email_already_verified');
  const now = emulator.clock.now();
  const issued = issueToken(user, 'verification', tokenSecret(VERIFICATION_LENGTH), CONFIRM_LIFETIME, now);
  const link = secretLink(c, url, user, issued.secret, issued.token.expire);
  sendMail(
    emulator,
    accountMail('verification', { projectId: project.id, projectName: project.name, to: mailTo(user), link }),
  );
  return c.json(tokenResponse(c, issued), 201);
};

const confirmGuard = (scope: string) =>
  guard({ scope, rateLimit: { limit: 10, window: HOUR, key: 'url:{url},userId:{param-userId}' } });

/**
 * Spends a verification secret of `type` (404 user_not_found, 401 user_invalid_token), lets
 * `verify` mark the user, and answers the spent token.
 */
const confirmVerification = async (
  c: Context<EmulatorEnv>,
  type: TokenType,
  verify: (user: User, now: number) => void,
): Promise<Response> => {
  const { project, emulator } = c.var;
  const params = validate(await readParams(c), {
    userId: { schema: v.uid },
    secret: { schema: v.text(256) },
  });
  const user = project.users.get(params.userId);
  if (!user) throw new AppwriteError('user_not_found');
  const now = emulator.clock.now();
  const token = verifyToken(user, params.secret, now, [type]);
  if (!token) throw new AppwriteError('user_invalid_token');
  consumeToken(user, token);
  verify(user, now);
  return c.json(tokenResponse(c, { token, secret: '' }));
};

/** `PUT /account/verifications/email` (alias `/account/verification`): spends the secret, verifies the email. */
const updateEmailVerification = (c: Context<EmulatorEnv>): Promise<Response> =>
  confirmVerification(c, 'verification', (user, now) => {
    user.emailVerification = true;
    user.updatedAt = now;
  });

/** `PUT /account/verifications/phone`: phone tokens are never issued without an SMS provider, so any secret is refused. */
const updatePhoneVerification = (c: Context<EmulatorEnv>): Promise<Response> =>
  confirmVerification(c, 'phone', (user) => {
    user.phoneVerification = true;
  });

/** Password recovery and email OTP tokens: ten an hour per route and email. */
const emailTokenGuard = guard({
  scope: 'sessions.write',
  rateLimit: { limit: 10, window: HOUR, key: 'url:{url},email:{param-email}' },
});

const magicUrlGuard = guard({
  scope: 'sessions.write',
  rateLimit: { limit: 60, window: HOUR, key: 'url:{url},email:{param-email}' },
});

/** `POST /account/tokens/magic-url` (deprecated alias `POST /account/sessions/magic-url`). */
const createMagicUrlToken = async (c: Context<EmulatorEnv>): Promise<Response> => {
  const { project, emulator } = c.var;
  const params = validate(await readParams(c), {
    userId: { schema: v.customId },
    email: { schema: v.email },
    url: { schema: platformUrl(project), optional: true },
    phrase: { schema: v.boolean, optional: true },
  });
  const user = userForEmail(c, params.userId, params.email.toLowerCase());
  const now = emulator.clock.now();
  const issued = issueToken(user, 'magic-url', tokenSecret(MAGIC_URL_LENGTH), CONFIRM_LIFETIME, now);
  const url = params.url ?? `${new URL(c.req.url).protocol}//${requestHostname(c)}/auth/magic-url`;
  const phrase = params.phrase ? securityPhrase() : '';
  const link = secretLink(c, url, user, issued.secret, issued.token.expire);
  sendMail(
    emulator,
    accountMail('magicSession', {
      projectId: project.id,
      projectName: project.name,
      to: mailTo(user),
      link,
      phrase,
    }),
  );
  return c.json(tokenResponse(c, issued, phrase), 201);
};

/** Account API: email verification, password recovery, magic URL and email OTP tokens, phone stubs. */
export const accountTokenRoutes = new Hono<EmulatorEnv>()
  .post('/account/verifications/email', emailVerificationGuard, createEmailVerification)
  .post('/account/verification', emailVerificationGuard, createEmailVerification)
  .put('/account/verifications/email', confirmGuard('public'), updateEmailVerification)
  .put('/account/verification', confirmGuard('public'), updateEmailVerification)
  .post('/account/recovery', emailTokenGuard, async (c) => {
    const { project, emulator } = c.var;
    const params = validate(await readParams(c), {
      email: { schema: v.email },
      url: { schema: platformUrl(project) },
    });
    const id = project.emails.get(params.email.toLowerCase());
    const user = id === undefined ? undefined : project.users.get(id);
    if (!user) throw new AppwriteError('user_not_found');
    if (!user.status) throw new AppwriteError('user_blocked');
    const now = emulator.clock.now();
    const issued = issueToken(user, 'recovery', tokenSecret(RECOVERY_LENGTH), RECOVERY_LIFETIME, now);
    const link = secretLink(c, params.url, user, issued.secret, issued.token.expire);
    sendMail(
      emulator,
      accountMail('recovery', { projectId: project.id, projectName: project.name, to: mailTo(user), link }),
    );
    return c.json(tokenResponse(c, issued), 201);
  })
  .put('/account/recovery', confirmGuard('sessions.write'), async (c) => {
    const { project, emulator } = c.var;
    const params = validate(await readParams(c), {
      userId: { schema: v.uid },
      secret: { schema: v.text(256) },
      password: { schema: v.password },
    });
    checkPasswordDictionary(project, params.password);
    const user = project.users.get(params.userId);
    if (!user) throw new AppwriteError('user_not_found');
    const now = emulator.clock.now();
    const token = verifyToken(user, params.secret, now, ['recovery']);
    if (!token) throw new AppwriteError('user_invalid_token');
    await checkPasswordPolicy(project, user, params.password);
    // Another request with the same secret may have used it while the policy check awaited.
    if (!user.tokens.includes(token)) throw new AppwriteError('user_invalid_token');
    consumeToken(user, token);
    await storePassword(project, user, params.password, now);
    // The link reached the user's inbox, which proves the address.
    user.emailVerification = true;
    user.updatedAt = now;
    return c.json(tokenResponse(c, { token, secret: '' }));
  })
  .post('/account/tokens/magic-url', magicUrlGuard, createMagicUrlToken)
  .post('/account/sessions/magic-url', magicUrlGuard, createMagicUrlToken)
  .post('/account/tokens/email', emailTokenGuard, async (c) => {
    const { project, emulator } = c.var;
    const params = validate(await readParams(c), {
      userId: { schema: v.customId },
      email: { schema: v.email },
      phrase: { schema: v.boolean, optional: true },
    });
    const user = userForEmail(c, params.userId, params.email.toLowerCase());
    const now = emulator.clock.now();
    const otp = otpCode();
    const issued = issueToken(user, 'email', otp, OTP_LIFETIME, now);
    const phrase = params.phrase ? securityPhrase() : '';
    sendMail(
      emulator,
      accountMail('otpSession', {
        projectId: project.id,
        projectName: project.name,
        to: mailTo(user),
        otp,
        phrase,
      }),
    );
    return c.json(tokenResponse(c, issued, phrase), 201);
  })
  // No SMS provider is configured in the emulator: Appwrite answers 503 general_phone_disabled then.
  .post(
    '/account/tokens/phone',
    guard({
      scope: 'sessions.write',
      rateLimit: { limit: 10, window: HOUR, key: 'url:{url},phone:{param-phone}' },
    }),
    async (c) => {
      validate(await readParams(c), { userId: { schema: v.customId }, phone: { schema: phoneNumber } });
      throw new AppwriteError('general_phone_disabled');
    },
  )
  .post('/account/verifications/phone', guard({ scope: 'account' }), () => {
    throw new AppwriteError('general_phone_disabled');
  })
  .post('/account/verification/phone', guard({ scope: 'account' }), () => {
    throw new AppwriteError('general_phone_disabled');
  })
  .put('/account/verifications/phone', confirmGuard('public'), updatePhoneVerification)
  .put('/account/verification/phone', confirmGuard('public'), updatePhoneVerification);
