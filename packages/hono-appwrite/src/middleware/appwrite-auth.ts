import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { Models } from 'node-appwrite';
import { type UserCredential, type UserServices, userServices } from '../appwrite/clients.ts';
import { identityKeyOf, verifyAppwriteJwt } from '../appwrite/identity.ts';
import { jwtExpiry } from '../appwrite/jwt-cache.ts';
import { AppwriteHttpError, errors, upstream } from '../errors.ts';
import { cookieCount } from '../session-cookie.ts';
import { type AppwriteAuthOptions, type AuthSettings, resolveAuthSettings } from '../settings.ts';

/** How the current request is authenticated. */
export type AuthKind = 'jwt' | 'session' | 'guest';

/** What {@link getAuth} returns. Holds no secret: the credential stays inside the middleware. */
export interface Auth {
  /** `jwt` (Bearer header), `session` (session cookie) or `guest` (no credential). */
  readonly kind: AuthKind;
  /**
   * The user's id when it is proven without asking Appwrite: a Bearer JWT verified locally with
   * `jwtKey` (Appwrite's own key, for self-hosters). `undefined` otherwise — a session cookie, or a
   * JWT without the key. Call `c.var.appwrite.account.get()` for the user as Appwrite sees them.
   */
  readonly userId: string | undefined;
}

/** The variables `appwriteAuth` sets, for `new Hono<AppwriteAuthEnv>()`. */
export type AppwriteAuthVariables = {
  auth: Auth;
  /** node-appwrite services acting as the current user (or as a guest), built for this request only. */
  appwrite: UserServices;
};

/** Hono `Env` for apps that mount {@link appwriteAuth}. */
export type AppwriteAuthEnv = { Variables: AppwriteAuthVariables };

/**
 * The {@link Auth} of one request, holding its credential in a private field: logging, inspecting
 * or serialising the context (or the Auth) cannot reach it; only {@link credentialOf} can. Cheaper
 * than a WeakMap keyed by the Auth on the `/me` path (docs/performance.md).
 */
class RequestAuth implements Auth {
  readonly kind: AuthKind;
  readonly userId: string | undefined;
  readonly #credential: UserCredential | undefined;
  readonly #settings: AuthSettings;

  constructor(credential: UserCredential | undefined, userId: string | undefined, settings: AuthSettings) {
    this.kind = credential?.kind ?? 'guest';
    this.userId = userId;
    this.#credential = credential;
    this.#settings = settings;
    Object.freeze(this);
  }

  static credentialOf(auth: Auth): UserCredential | undefined {
    return #credential in auth ? (auth as RequestAuth).#credential : undefined;
  }

  static settingsOf(auth: Auth): AuthSettings | undefined {
    return #settings in auth ? (auth as RequestAuth).#settings : undefined;
  }
}

// Three base64url segments; the header's length bound is far above any JWT Appwrite mints.
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;
// Appwrite session secrets are base64 (1.5+: of `{"id","secret"}`); tolerate base64url and dots.
const SESSION_SECRET = /^[A-Za-z0-9+/=_.-]{16,4096}$/;

/**
 * Reads the credential: Bearer header first, then the cookie. Malformed is an error, not a guest; so
 * is a session cookie sent twice (one was planted by another site: which one is the user's cannot be
 * told, so neither is used).
 */
const readCredential = (c: Context, cookieName: string): UserCredential | undefined => {
  const authorization = c.req.header('Authorization');
  if (authorization !== undefined) {
    const match = authorization.length <= 8192 ? BEARER.exec(authorization) : null;
    if (!match?.[1]) throw errors.malformedJwt();
    return { kind: 'jwt', jwt: match[1] };
  }
  const sent = cookieCount(c.req.header('Cookie'), cookieName);
  if (sent === 0) return undefined;
  if (sent > 1) throw errors.duplicatedSession();
  const cookie = getCookie(c, cookieName);
  // Hono's parser drops values holding characters cookies may not carry (`\`, `"`, controls): the
  // cookie is then present but unreadable, which must be an error, not a guest.
  if (cookie === undefined || !SESSION_SECRET.test(cookie)) throw errors.malformedSession();
  return { kind: 'session', secret: cookie };
};

/** True for the errors {@link readCredential} raises about the session cookie itself. */
const isSessionCookieError = (error: unknown): boolean =>
  error instanceof AppwriteHttpError && error.type === 'user_session_invalid';

/**
 * Authenticates the request as an Appwrite user and gives the handler node-appwrite services acting
 * as that user: `Authorization: Bearer <jwt>` first (from `account.createJWT()`), then the session
 * cookie. Without a credential the request is refused with 401 unless `optional` is set; a present
 * but malformed (or duplicated) credential is always refused, never downgraded to a guest. Refusals
 * are `HTTPException`s with a ready JSON answer, so no `onError` is needed.
 *
 * @example
 * ```ts
 * const app = new Hono<AppwriteAuthEnv>();
 * app.use('/api/*', appwriteAuth({ endpoint, projectId }));
 * app.get('/api/me', async (c) => c.json(await getUser(c)));
 * ```
 */
export const appwriteAuth = (options: AppwriteAuthOptions): MiddlewareHandler<AppwriteAuthEnv> => {
  const settings = resolveAuthSettings(options);
  const { cookieName, cookieDomain } = settings;

  return async function appwriteAuth(c, next) {
    let credential: UserCredential | undefined;
    try {
      credential = readCredential(c, cookieName);
    } catch (error) {
      // A refused session cookie is cleared, so the browser stops sending it.
      if (isSessionCookieError(error)) {
        deleteCookie(c, cookieName, {
          path: '/',
          secure: true,
          httpOnly: true,
          ...(cookieDomain ? { domain: cookieDomain } : {}),
        });
      }
      throw error;
    }
    if (!credential && !settings.optional) throw errors.unauthorized();
    const userId =
      credential?.kind === 'jwt' && settings.jwtKey
        ? (await verifyAppwriteJwt(credential.jwt, settings.jwtKey, undefined, settings.verifyHmacSha256))
            .userId
        : undefined;
    c.set('auth', new RequestAuth(credential, userId, settings));
    c.set('appwrite', userServices(settings, credential));
    await next();
  };
};

/**
 * The current request's {@link Auth}. Throws when `appwriteAuth` is not mounted on the route, so a
 * missing middleware fails loudly instead of looking like a guest.
 */
export const getAuth = (c: Context): Auth => {
  const auth: unknown = c.get('auth');
  if (!auth || typeof auth !== 'object' || !('kind' in auth)) {
    throw new Error('getAuth: appwriteAuth() is not mounted on this route');
  }
  return auth as Auth;
};

/** The current request's credential, for the auth routes (logout, JWT minting). Sensitive. */
export const credentialOf = (c: Context): UserCredential | undefined => RequestAuth.credentialOf(getAuth(c));

/**
 * The signed-in user as Appwrite sees them (`account.get()` with their own credential), or, with
 * the middleware's `identityCache`, the answer Appwrite gave for the same credential moments ago.
 * Appwrite's refusals (401 for an ended session, …) are thrown as `AppwriteHttpError`.
 */
export const getUser = async (c: Context): Promise<Models.User<Models.Preferences>> => {
  const auth = getAuth(c);
  const settings = RequestAuth.settingsOf(auth);
  const credential = RequestAuth.credentialOf(auth);
  const cache = settings?.identityCache;
  const key =
    cache && credential && settings ? await settings.hashSecret(identityKeyOf(credential)) : undefined;
  const cached = key ? cache?.get(key) : undefined;
  if (cached) return cached;
  const ticket = cache?.ticket() ?? 0;
  const user = await upstream((c.get('appwrite') as UserServices).account.get());
  if (key && credential) {
    // A JWT's answer is kept no longer than the JWT is valid: Appwrite refuses it after `exp`.
    // Its `exp` is trusted here because Appwrite just accepted this very token.
    const expiresAt = credential.kind === 'jwt' ? (jwtExpiry(credential.jwt)?.getTime() ?? 0) : undefined;
    cache?.set(key, user, ticket, expiresAt);
  }
  return user;
};
