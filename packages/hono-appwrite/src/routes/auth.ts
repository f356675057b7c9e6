import type { Context } from 'hono';
import { Account, ID, type Models } from 'node-appwrite';
import * as z from 'zod/mini';
import { adminClient, requireSessionSecret, type UserCredential } from '../appwrite/clients.ts';
import { identityKeyOf } from '../appwrite/identity.ts';
import { jwtExpiry } from '../appwrite/jwt-cache.ts';
import { AppwriteHttpError, errors, upstream } from '../errors.ts';
import { Hono } from '../hono.ts';
import { readInput } from '../input.ts';
import { credentialOf } from '../middleware/appwrite-auth.ts';
import { emailKey, rateLimit, resetRateLimit } from '../rate-limit.ts';
import { isFormPost, requireSafeRedirect } from '../redirects.ts';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.ts';
import type { RoutesEnv } from '../types.ts';
import { answeringBrowsers, loginPage } from './browser-failure.ts';

const email = z.email().check(z.maxLength(255));
// Appwrite's own password rule: 8–256 characters.
const password = z.string().check(z.minLength(8), z.maxLength(256));
const next = z.optional(z.string().check(z.maxLength(2048)));

const loginSchema = z.object({ email, password, next });
const signupSchema = z.object({
  email,
  password,
  name: z.optional(z.string().check(z.maxLength(128))),
  next,
});
const nextSchema = z.object({ next });

/** The admin services for this end user: API key, their user agent forwarded. */
const adminAccount = (c: Context<RoutesEnv>) =>
  new Account(adminClient(c.get('authRoutes'), c.req.header('User-Agent')));

/**
 * A session as Appwrite shows it to the end user's own SDK: its `secret` is blank. The secret goes
 * to its owner only in the httpOnly cookie.
 */
const publicSession = (session: Models.Session): Models.Session => ({ ...session, secret: '' });

/**
 * Finishes a sign-in: sets the session cookie, then answers a form post with 303 to `target` and
 * an API client with `status` and `{session}` (plus `extra`), as Appwrite's own session routes do.
 * Nothing more is read: a sign-in costs one Appwrite call (`GET /me` has the user).
 */
const signedIn = (
  c: Context<RoutesEnv>,
  session: Models.Session,
  target: string,
  status: 200 | 201,
  extra: Record<string, unknown> = {},
) => {
  setSessionCookie(c, c.get('authRoutes'), session.secret, session.expire);
  if (isFormPost(c)) return c.redirect(target, 303);
  return c.json({ ...extra, session: publicSession(session) }, status);
};

/**
 * Forgets what this worker knows of a session credential that has ended or been replaced: its
 * minted JWT (a mint in flight included), and the identities cached for both, including answers
 * still on their way from Appwrite.
 */
const forgetSession = async (c: Context<RoutesEnv>, credential: UserCredential & { kind: 'session' }) => {
  const { hashSecret: hash, identityCache: identities, jwtCache } = c.get('authRoutes');
  const minted = jwtCache.delete(await hash(credential.secret));
  identities?.revoke(await hash(identityKeyOf(credential)));
  if (minted) identities?.revoke(await hash(identityKeyOf({ kind: 'jwt', jwt: minted.jwt })));
};

/** Deletes the request's own session upstream; one already gone (401) counts as deleted. */
const deleteCurrentSession = async (c: Context<RoutesEnv>): Promise<void> => {
  try {
    await upstream(c.get('appwrite').account.deleteSession({ sessionId: 'current' }));
  } catch (error) {
    // Anything else (Appwrite unreachable) is thrown, and the caller keeps the cookie for a retry.
    if (!(error instanceof AppwriteHttpError && error.status === 401)) throw error;
  }
};

/** The checked redirect target of a form post: the `next` field, else the `next` query parameter. */
const nextTarget = (c: Context<RoutesEnv>, fromBody: string | undefined) =>
  requireSafeRedirect(c, c.get('authRoutes'), fromBody ?? c.req.query('next'));

/** Email/password, guest and upgrade sign-in, logout and JWT minting. */
export const credentialRoutes = new Hono<RoutesEnv>()
  .post(
    '/signup',
    answeringBrowsers(
      (settings) => settings.signupPath,
      async (c) => {
        await rateLimit(c, 'signup');
        const input = await readInput(c, signupSchema);
        const target = nextTarget(c, input.next);
        const admin = adminAccount(c);
        const user = await upstream(
          admin.create({
            userId: ID.unique(),
            email: input.email,
            password: input.password,
            name: input.name,
          }),
        );
        const session = requireSessionSecret(
          await upstream(admin.createEmailPasswordSession({ email: input.email, password: input.password })),
        );
        return signedIn(c, session, target, 201, { user });
      },
    ),
  )
  .post(
    '/login',
    answeringBrowsers(loginPage, async (c) => {
      // Per client IP first (every attempt counts, successful or not), then per email: Appwrite's
      // own limit, which the API key bypasses. The email is an HMAC: counters hold no addresses.
      await rateLimit(c, 'login');
      const input = await readInput(c, loginSchema);
      const target = nextTarget(c, input.next);
      const emailCount = await rateLimit(c, 'loginEmail', [await emailKey(c, input.email)]);
      const session = requireSessionSecret(
        await upstream(
          adminAccount(c).createEmailPasswordSession({ email: input.email, password: input.password }),
        ),
      );
      await resetRateLimit(c, 'loginEmail', emailCount);
      return signedIn(c, session, target, 200);
    }),
  )
  .post(
    '/anonymous',
    answeringBrowsers(loginPage, async (c) => {
      await rateLimit(c, 'guest');
      const input = await readInput(c, nextSchema);
      const target = nextTarget(c, input.next);
      const session = requireSessionSecret(await upstream(adminAccount(c).createAnonymousSession()));
      return signedIn(c, session, target, 201);
    }),
  )
  .post(
    '/upgrade',
    answeringBrowsers(
      (settings) => settings.homePath,
      async (c) => {
        const credential = credentialOf(c);
        if (credential?.kind !== 'session') throw errors.unauthorized();
        await rateLimit(c, 'signup');
        const input = await readInput(c, loginSchema);
        const target = nextTarget(c, input.next);
        const { account } = c.get('appwrite');
        const current = await upstream(account.get());
        if (current.email) {
          throw new AppwriteHttpError(409, 'user_not_guest', 'This account already has an email address.');
        }
        const user = await upstream(account.updateEmail({ email: input.email, password: input.password }));
        // The guest's cookie may have been planted by someone else (session fixation): the account
        // gets a fresh session, and the guest session ends, before anything is answered.
        await deleteCurrentSession(c);
        await forgetSession(c, credential);
        let session: Models.Session;
        try {
          session = requireSessionSecret(
            await upstream(
              adminAccount(c).createEmailPasswordSession({ email: input.email, password: input.password }),
            ),
          );
        } catch (error) {
          // The guest session has ended: its cookie goes too; the user signs in with the new email.
          clearSessionCookie(c, c.get('authRoutes'));
          throw error;
        }
        return signedIn(c, session, target, 200, { user });
      },
    ),
  )
  .post(
    '/logout',
    answeringBrowsers(loginPage, async (c) => {
      const credential = credentialOf(c);
      if (credential?.kind !== 'session') throw errors.unauthorized();
      const input = await readInput(c, nextSchema);
      const target = nextTarget(c, input.next);
      await deleteCurrentSession(c);
      await forgetSession(c, credential);
      clearSessionCookie(c, c.get('authRoutes'));
      return isFormPost(c) ? c.redirect(target, 303) : c.body(null, 204);
    }),
  )
  .post(
    '/jwt',
    answeringBrowsers(loginPage, async (c) => {
      const credential = credentialOf(c);
      if (credential?.kind !== 'session') throw errors.unauthorized();
      await rateLimit(c, 'jwt');
      const settings = c.get('authRoutes');
      const key = await settings.hashSecret(credential.secret);
      const minted = await settings.jwtCache.get(key, async () => {
        const { jwt } = await upstream(c.get('appwrite').account.createJWT());
        // Appwrite's JWTs last 900 s; read the real expiry from the token Appwrite just gave us.
        const expire = jwtExpiry(jwt) ?? new Date(Date.now() + 900_000);
        return { jwt, expire: expire.toISOString() };
      });
      // A form post (a page's "Get a JWT" button) gets the page the app renders for it, if any.
      if (isFormPost(c) && settings.renderJwt)
        return settings.renderJwt(c, { jwt: minted.jwt, expire: minted.expire });
      return c.json({ jwt: minted.jwt, expire: minted.expire });
    }),
  );
