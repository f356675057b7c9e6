import { Hono } from 'hono';
import { z } from 'zod';
import { type EmulatorEnv, guard } from '../auth.ts';
import { verifyPassword } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { emailTargets, type User } from '../model.ts';
import { accountModel } from '../models.ts';
import { PAGE_SHAPE, readListRequest, readParams, v, validate } from '../params.ts';
import { checkPasswordDictionary, checkPasswordPolicy, storePassword } from '../password-policy.ts';
import { clearSessionCookies } from '../sessions.ts';
import { callerSession, currentUser, HOUR, phoneNumber } from './account-shared.ts';

/** Appwrite's `Assoc` validator: a JSON object (not a list) whose encoding is at most 65,535 characters. */
const assoc = z
  .custom<Record<string, unknown>>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      // PHP's json_encode escapes every non-ASCII character as \uXXXX (a surrogate pair is 12 chars).
      JSON.stringify(value).replace(/[^ -~\t\n\r]/g, '\\uXXXX').length <= 65_535,
  )
  .describe('Value must be a valid object.');

/** Whether the user ever set a password: Appwrite asks for the current one only then. */
const hasPassword = (user: User): boolean => user.passwordUpdate !== null && user.password !== null;

/** The current password, checked only for a user who ever set one; wrong is 401 user_invalid_credentials. */
const checkCurrentPassword = async (user: User, password: string | undefined): Promise<void> => {
  if (hasPassword(user) && !(password && user.password && (await verifyPassword(password, user.password)))) {
    throw new AppwriteError('user_invalid_credentials');
  }
};

/** Account API: the signed-in user's profile (name, email, phone, password, prefs, status), logs, identities. */
export const accountProfileRoutes = new Hono<EmulatorEnv>()
  .patch('/account/name', guard({ scope: 'account' }), async (c) => {
    const user = currentUser(c);
    const { name } = validate(await readParams(c), { name: { schema: v.text(128) } });
    user.name = name;
    user.updatedAt = c.var.emulator.clock.now();
    return c.json(accountModel(user));
  })
  .patch(
    '/account/password',
    guard({ scope: 'account', rateLimit: { limit: 10, window: HOUR, key: 'url:{url},ip:{ip}' } }),
    async (c) => {
      const { project, emulator } = c.var;
      const user = currentUser(c);
      const params = validate(await readParams(c), {
        password: { schema: v.password },
        oldPassword: { schema: v.password, optional: true },
      });
      checkPasswordDictionary(project, params.password);
      // Only a user who has set a password must prove it; an anonymous or magic-URL user sets one here.
      await checkCurrentPassword(user, params.oldPassword);
      await checkPasswordPolicy(project, user, params.password);
      const now = emulator.clock.now();
      await storePassword(project, user, params.password, now);
      user.updatedAt = now;
      // `invalidateSessions`: every session but the one making the change ends (all of them for a JWT).
      if (project.auth.invalidateSessions) {
        const keep = callerSession(c);
        user.sessions = user.sessions.filter((session) => session === keep);
      }
      return c.json(accountModel(user));
    },
  )
  .patch('/account/email', guard({ scope: 'account' }), async (c) => {
    const { project, emulator } = c.var;
    const user = currentUser(c);
    const params = validate(await readParams(c), {
      email: { schema: v.email },
      password: { schema: v.password },
    });
    // A user who never set a password (anonymous, magic URL, phone) sets it here; otherwise it must match.
    await checkCurrentPassword(user, params.password);
    const email = params.email.toLowerCase();
    const owner = project.emails.get(email);
    if (owner !== undefined && owner !== user.id) throw new AppwriteError('user_email_already_exists');
    const now = emulator.clock.now();
    if (!hasPassword(user)) await storePassword(project, user, params.password, now);
    if (user.email) project.emails.delete(user.email);
    project.emails.set(email, user.id);
    user.email = email;
    // Appwrite resets the verification on every email update, even to the same address.
    user.emailVerification = false;
    user.targets = [
      ...emailTargets(email, now, user.targets.find((target) => target.providerType === 'email')?.id),
      ...user.targets.filter((target) => target.providerType !== 'email'),
    ];
    user.updatedAt = now;
    return c.json(accountModel(user));
  })
  .patch('/account/phone', guard({ scope: 'account' }), async (c) => {
    const { project, emulator } = c.var;
    const user = currentUser(c);
    const params = validate(await readParams(c), {
      phone: { schema: phoneNumber },
      password: { schema: v.password },
    });
    await checkCurrentPassword(user, params.password);
    const taken = [...project.users.values()].some(
      (other) => other.id !== user.id && other.phone === params.phone,
    );
    if (taken) throw new AppwriteError('user_phone_already_exists');
    const now = emulator.clock.now();
    if (!hasPassword(user)) await storePassword(project, user, params.password, now);
    user.phone = params.phone;
    user.phoneVerification = false;
    user.updatedAt = now;
    return c.json(accountModel(user));
  })
  .get('/account/prefs', guard({ scope: 'account' }), (c) => c.json({ ...currentUser(c).prefs }))
  .patch('/account/prefs', guard({ scope: 'account' }), async (c) => {
    const user = currentUser(c);
    const { prefs } = validate(await readParams(c), { prefs: { schema: assoc } });
    user.prefs = { ...prefs };
    user.updatedAt = c.var.emulator.clock.now();
    return c.json(accountModel(user));
  })
  .patch('/account/status', guard({ scope: 'account' }), (c) => {
    const user = currentUser(c);
    user.status = false;
    user.updatedAt = c.var.emulator.clock.now();
    // A blocked account keeps no session: its credentials stop working at once.
    user.sessions = [];
    clearSessionCookies(c);
    return c.json(accountModel(user));
  })
  .get('/account/logs', guard({ scope: 'account' }), async (c) => {
    currentUser(c);
    validate(await readListRequest(c), PAGE_SHAPE);
    // The emulator keeps no audit log: the list is always empty.
    return c.json({ total: 0, logs: [] });
  })
  .get('/account/identities', guard({ scope: 'account' }), async (c) => {
    currentUser(c);
    validate(await readListRequest(c), PAGE_SHAPE);
    // OAuth2 sign-ins through the built-in provider record no identity documents.
    return c.json({ total: 0, identities: [] });
  })
  .delete('/account/identities/:identityId', guard({ scope: 'account' }), (c) => {
    currentUser(c);
    throw new AppwriteError('user_identity_not_found');
  });
