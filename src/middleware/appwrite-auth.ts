import type { Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { type UserCredential, type UserServices, userServices } from '../appwrite/clients.ts';
import { type HmacSha256Verifier, verifyAppwriteJwt } from '../appwrite/identity.ts';
import type { Transport } from '../appwrite/transport.ts';
import { appwriteId } from '../config.ts';
import { AppwriteHttpError, errors } from '../errors.ts';
import { cookieCount } from '../session-cookie.ts';

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

/** Options of {@link appwriteAuth}. */
export interface AppwriteAuthOptions {
  /** Appwrite endpoint, e.g. `https://cloud.appwrite.io/v1`. */
  endpoint: string;
  /** Appwrite project id. */
  projectId: string;
  /** Session cookie name. Default `a_session_<projectId>`, the name Appwrite's own cookie has. */
  cookieName?: string;
  /**
   * The `Domain` the session cookie was set with, so a refused cookie (malformed, or sent twice) is
   * cleared with the attributes it has. Default: none (a host-only cookie).
   */
  cookieDomain?: string | undefined;
  /** Answer 401 `user_unauthorized` when the request has no credential. Default `false`. */
  required?: boolean;
  /** Deadline for each Appwrite request, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** The HTTP layer under node-appwrite (e.g. `poolTransport()` on Node). Default: the SDK's fetch. */
  transport?: Transport | undefined;
  /**
   * Appwrite's JWT key (`_APP_OPENSSL_KEY_V1`). With it, Bearer JWTs are verified here (HS256,
   * `exp`) and a bad one is refused with 401 `user_jwt_invalid` before any Appwrite call. A JWT
   * whose session was deleted keeps passing this check until it expires (≤ 15 minutes).
   */
  jwtKey?: string | undefined;
  /** How JWT signatures are checked with `jwtKey`. Default Web Crypto; see {@link HmacSha256Verifier}. */
  verifyHmacSha256?: HmacSha256Verifier | undefined;
}

/**
 * The {@link Auth} of one request, holding its credential in a private field: logging, inspecting
 * or serialising the context (or the Auth) cannot reach it; only {@link credentialOf} can. Cheaper
 * than a WeakMap keyed by the Auth (measured on the `/me` path).
 */
class RequestAuth implements Auth {
  readonly kind: AuthKind;
  readonly userId: string | undefined;
  readonly #credential: UserCredential | undefined;

  constructor(credential: UserCredential | undefined, userId: string | undefined) {
    this.kind = credential?.kind ?? 'guest';
    this.userId = userId;
    this.#credential = credential;
    Object.freeze(this);
  }

  static credentialOf(auth: Auth): UserCredential | undefined {
    return #credential in auth ? (auth as RequestAuth).#credential : undefined;
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
export const readCredential = (c: Context, cookieName: string): UserCredential | undefined => {
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
 * cookie. A present but malformed credential is rejected (401), never downgraded to a guest.
 *
 * @example
 * ```ts
 * const app = new Hono<AppwriteAuthEnv>();
 * app.use('/api/*', appwriteAuth({ endpoint, projectId, required: true }));
 * app.get('/api/me', async (c) => c.json(await c.var.appwrite.account.get()));
 * ```
 */
export const appwriteAuth = (options: AppwriteAuthOptions) => {
  if (!options || typeof options.endpoint !== 'string' || !/^https?:\/\//.test(options.endpoint)) {
    throw new Error('appwriteAuth: `endpoint` must be an http(s) URL');
  }
  if (typeof options.projectId !== 'string' || !appwriteId.safeParse(options.projectId).success) {
    throw new Error('appwriteAuth: `projectId` must be an Appwrite project id');
  }
  const settings = {
    APPWRITE_ENDPOINT: options.endpoint.replace(/\/+$/, ''),
    APPWRITE_PROJECT_ID: options.projectId,
    APPWRITE_TIMEOUT_MS: options.timeoutMs ?? 10_000,
    transport: options.transport,
  };
  const cookieName = options.cookieName ?? `a_session_${options.projectId}`;
  const required = options.required ?? false;

  const cookieDomain = options.cookieDomain;

  return createMiddleware<AppwriteAuthEnv>(async function appwriteAuth(c, next) {
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
    if (!credential && required) throw errors.unauthorized();
    const userId =
      credential?.kind === 'jwt' && options.jwtKey
        ? (await verifyAppwriteJwt(credential.jwt, options.jwtKey, undefined, options.verifyHmacSha256))
            .userId
        : undefined;
    c.set('auth', new RequestAuth(credential, userId));
    c.set('appwrite', userServices(settings, credential));
    await next();
  });
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

/** The current request's credential, for the worker's own routes (logout, JWT minting). Sensitive. */
export const credentialOf = (c: Context): UserCredential | undefined => RequestAuth.credentialOf(getAuth(c));
