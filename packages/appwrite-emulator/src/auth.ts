import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { sign, verify } from 'hono/jwt';
import type { EmulatorContext } from './context.ts';
import { digestEquals, sha256 } from './crypto.ts';
import { AppwriteError } from './errors.ts';
import type { ApiKey, Project, Session, User } from './model.ts';
import { readParams } from './params.ts';
import type { RateLimitRule } from './ratelimit.ts';

/** Who is calling, after credential resolution (contract §3). */
export type Caller =
  | { kind: 'guest' }
  | { kind: 'user'; user: User; session: Session | null; method: 'session' | 'jwt' }
  | { kind: 'key'; key: ApiKey };

/** The decoded `a_session_<project>` value: `base64(json({id, secret}))`. */
export interface SessionStore {
  id: string;
  secret: string;
}

export type EmulatorEnv = {
  Bindings: { incoming?: { socket?: { remoteAddress?: string } } };
  Variables: {
    emulator: EmulatorContext;
    project: Project;
    caller: Caller;
    /** The session credential the request carried (cookie, header or fallback), if it decoded. */
    store: SessionStore | null;
    /** The session that credential verified against, if any. */
    storeSession: Session | null;
  };
};

const GUEST_SCOPES = [
  'global',
  'public',
  'home',
  'console',
  'graphql',
  'sessions.write',
  'documents.read',
  'documents.write',
  'rows.read',
  'rows.write',
  'files.read',
  'files.write',
  'locale.read',
  'avatars.read',
  'execution.write',
];
const USER_SCOPES = [
  ...GUEST_SCOPES,
  'account',
  'teams.read',
  'teams.write',
  'projects.read',
  'execution.read',
  'targets.read',
  'targets.write',
  'subscribers.write',
  'subscribers.read',
  'assistant.read',
  'rules.read',
];

/** Encodes a session credential as Appwrite does (cookie value, `secret`, `X-Appwrite-Session`). */
export const encodeStore = (store: SessionStore): string =>
  Buffer.from(JSON.stringify({ id: store.id, secret: store.secret })).toString('base64');

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a session credential; anything malformed is `null` (the caller is then a guest). */
export const decodeStore = (value: string | undefined): SessionStore | null => {
  if (!value || !STRICT_BASE64.test(value)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { id, secret } = parsed as Record<string, unknown>;
    if (typeof id !== 'string' || typeof secret !== 'string' || (!id && !secret)) return null;
    return { id, secret };
  } catch {
    return null;
  }
};

/** The cookie name Appwrite uses: lower-cased, because Appwrite lower-cases cookie names. */
export const sessionCookieName = (projectId: string): string => `a_session_${projectId.toLowerCase()}`;

/** Finds the user's live session whose secret hashes to the stored digest. */
export const verifySession = (user: User, secret: string, now: number): Session | null => {
  const digest = sha256(secret);
  return (
    user.sessions.find((session) => digestEquals(session.secretHash, digest) && session.expire >= now) ?? null
  );
};

/**
 * Signs an HS256 JWT with the emulator's key. Account JWTs carry exactly `{userId, sessionId, exp}`
 * (in that order, no `iat`), like Appwrite's; OAuth2 token secrets carry `{secret, provider, exp}`.
 */
export const signJwt = (secret: string, claims: Record<string, string | number>): Promise<string> =>
  sign(claims, secret, 'HS256');

const jwtInvalid = (reason: string) =>
  new AppwriteError('user_jwt_invalid', `Failed to verify JWT. Invalid token: ${reason}`);

/**
 * Verifies a JWT signed with the emulator's secret against the emulator's clock and returns its
 * claims; any failure is 401 user_jwt_invalid with Appwrite's message.
 */
export const verifyJwt = async (
  secret: string,
  token: string,
  nowMs: number,
): Promise<Record<string, unknown>> => {
  if (token.split('.').length < 3) throw jwtInvalid('Incomplete segments');
  let payload: Record<string, unknown>;
  try {
    // Expiry is checked below against the emulator's clock, not the wall clock.
    payload = await verify(token, secret, { alg: 'HS256', exp: false, nbf: false, iat: false });
  } catch (error) {
    const name = (error as Error).name;
    throw jwtInvalid(name === 'JwtTokenSignatureMismatched' ? 'Signature failed' : 'Malformed token');
  }
  const exp = payload.exp;
  if (typeof exp === 'number' && nowMs / 1000 >= exp) throw jwtInvalid('Expired');
  if (typeof payload.nbf === 'number' && nowMs / 1000 <= payload.nbf) throw jwtInvalid('Not now');
  return payload;
};

/** The client IP: the first `X-Forwarded-For` entry, else the socket's address (as Appwrite 1.9). */
export const clientIp = (c: Context<EmulatorEnv>): string => {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  const address = c.env?.incoming?.socket?.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
};

/** The request's hostname without port, as Appwrite's `{url}` placeholder and cookie domain use it. */
export const requestHostname = (c: Context): string => new URL(c.req.url).hostname;

/** Resolves `project` (query wins over `X-Appwrite-Project`); unknown → 404 project_not_found. */
export const resolveProject = createMiddleware<EmulatorEnv>(async function resolveProject(c, next) {
  const id = c.req.query('project') || c.req.header('x-appwrite-project') || '';
  const project = c.var.emulator.state.projects.get(id);
  if (!project) throw new AppwriteError('project_not_found');
  c.set('project', project);
  await next();
});

/**
 * Resolves the caller exactly in Appwrite 1.9's order: session cookie (then `_legacy`),
 * `X-Appwrite-Session`, `X-Fallback-Cookies`; then `X-Appwrite-JWT` (a bad JWT is 401, JWT plus a
 * session credential is 403); then `X-Appwrite-Key`, which wins over any user.
 */
export const resolveCaller = createMiddleware<EmulatorEnv>(async function resolveCaller(c, next) {
  const { emulator, project } = c.var;
  const now = emulator.clock.now();
  const cookieName = sessionCookieName(project.id);
  let raw =
    getCookie(c, cookieName) || getCookie(c, `${cookieName}_legacy`) || c.req.header('x-appwrite-session');
  let usedFallback = false;
  if (!raw) {
    usedFallback = true;
    const fallback = c.req.header('x-fallback-cookies');
    if (fallback) {
      try {
        const parsed: unknown = JSON.parse(fallback);
        const value = (parsed as Record<string, unknown> | null)?.[`a_session_${project.id}`];
        if (typeof value === 'string') raw = value;
      } catch {
        // Appwrite ignores an unreadable fallback header: the caller is a guest.
      }
    }
  }
  c.header('X-Debug-Fallback', usedFallback ? 'true' : 'false');

  const store = decodeStore(raw);
  let caller: Caller = { kind: 'guest' };
  let storeSession: Session | null = null;
  if (store) {
    const user = project.users.get(store.id);
    storeSession = user ? verifySession(user, store.secret, now) : null;
    if (user && storeSession) caller = { kind: 'user', user, session: storeSession, method: 'session' };
  }

  const jwt = c.req.header('x-appwrite-jwt');
  if (jwt) {
    // As Appwrite: only a session that verified conflicts with a JWT, and before the JWT is read.
    if (caller.kind === 'user') throw new AppwriteError('user_jwt_and_cookie_set');
    const claims = await verifyJwt(emulator.jwtSecret, jwt, now);
    const user = typeof claims.userId === 'string' ? project.users.get(claims.userId) : undefined;
    const sessionId = typeof claims.sessionId === 'string' ? claims.sessionId : '';
    // A JWT bound to a session that no longer exists silently makes the caller a guest.
    const bound = sessionId === '' || user?.sessions.some((s) => s.id === sessionId);
    caller = user && bound ? { kind: 'user', user, session: null, method: 'jwt' } : { kind: 'guest' };
  }

  const keyHeader = c.req.header('x-appwrite-key');
  if (keyHeader) {
    const digest = sha256(keyHeader);
    const key = project.keys.find((candidate) => digestEquals(sha256(candidate.secret), digest));
    if (!key) throw new AppwriteError('user_unauthorized');
    if (key.expire !== null && key.expire < now) throw new AppwriteError('project_key_expired');
    // Appwrite 1.9: the key silently wins over a session or JWT sent with it.
    caller = { kind: 'key', key };
  }

  c.set('caller', caller);
  c.set('store', store);
  c.set('storeSession', storeSession);
  await next();
});

const scopesOf = (caller: Caller): Set<string> => {
  if (caller.kind === 'key') return new Set(['global', 'health.read', 'graphql', ...caller.key.scopes]);
  return new Set(caller.kind === 'user' ? USER_SCOPES : GUEST_SCOPES);
};

/** What a route requires, mirroring Appwrite's route labels. */
export interface RouteRules {
  /** Any one of these scopes suffices (`scope` label). */
  scope: string | string[];
  rateLimit?: RateLimitRule;
  /** The `session` group: a caller that already has a session (or JWT) is rejected. */
  rejectSession?: boolean;
}

const fillKey = async (c: Context<EmulatorEnv>, template: string): Promise<string> => {
  const params = template.includes('{param-') ? await readParams(c) : {};
  const caller = c.var.caller;
  return template.replace(/\{([a-zA-Z-]+)\}/g, (placeholder, name: string) => {
    switch (name) {
      case 'url':
        return `${requestHostname(c)}${c.req.routePath}`;
      case 'ip':
        return clientIp(c);
      case 'userId':
        return caller.kind === 'user' ? caller.user.id : '';
      case 'method':
        return c.req.method;
      case 'projectId':
        return c.var.project.id;
      case 'userAgent':
        return c.req.header('user-agent') ?? '';
      default: {
        const value = name.startsWith('param-') ? params[name.slice(6)] : undefined;
        return value === undefined || value === '' ? placeholder : String(value);
      }
    }
  });
};

/**
 * Route guard in Appwrite's hook order: scope (401 general_unauthorized_scope, not counted),
 * blocked user (403), rate limit (429, with X-RateLimit-* headers; API keys are not counted), then
 * the `session` group check (401 user_session_already_exists).
 */
export const guard = (rules: RouteRules) =>
  createMiddleware<EmulatorEnv>(async function guard(c, next) {
    const { caller, project, emulator } = c.var;
    const allowed = Array.isArray(rules.scope) ? rules.scope : [rules.scope];
    const scopes = scopesOf(caller);
    if (!allowed.some((scope) => scopes.has(scope))) {
      const who =
        caller.kind === 'key'
          ? `app.${project.id}@service.${requestHostname(c)} (role: applications)`
          : caller.kind === 'user'
            ? `${caller.user.email ?? 'User'} (role: users)`
            : 'User (role: guests)';
      throw new AppwriteError(
        'general_unauthorized_scope',
        `${who} missing scopes (${JSON.stringify(allowed)})`,
      );
    }
    if (caller.kind === 'user' && !caller.user.status) throw new AppwriteError('user_blocked');

    const rule = rules.rateLimit;
    let key = '';
    if (rule) {
      key = await fillKey(c, rule.key);
      const result = emulator.rateLimiter.hit(rule, key, caller.kind !== 'key' && emulator.rateLimitsEnabled);
      c.header('X-RateLimit-Limit', String(result.limit));
      c.header('X-RateLimit-Remaining', String(result.remaining));
      c.header('X-RateLimit-Reset', String(result.reset));
      if (result.exceeded) throw new AppwriteError('general_rate_limit_exceeded');
    }
    if (rules.rejectSession && caller.kind === 'user') throw new AppwriteError('user_session_already_exists');
    await next();
    if (rule?.resetOn?.includes(c.res.status)) emulator.rateLimiter.reset(rule, key);
  });
