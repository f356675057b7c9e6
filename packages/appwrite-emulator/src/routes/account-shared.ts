import type { Context } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { digestEquals, randomHex, sha256, uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import type { Project, Session, Token, TokenType, User } from '../model.ts';
import { tokenModel } from '../models.ts';

/** One hour, the window of most Account rate limits. */
export const HOUR = 3600;

/** The signed-in user; the `account` scope check has already excluded guests and API keys. */
export const currentUser = (c: Context<EmulatorEnv>): User => {
  const caller = c.var.caller;
  if (caller.kind !== 'user') throw new AppwriteError('general_unauthorized_scope');
  return caller.user;
};

/** The session the request's session credential belongs to; `null` for a JWT (it carries none). */
export const callerSession = (c: Context<EmulatorEnv>): Session | null =>
  c.var.caller.kind === 'user' && c.var.caller.method === 'session' ? c.var.storeSession : null;

/** Resolves `current` or an ID among the user's sessions; `current` needs a session credential, not a JWT. */
export const findSession = (c: Context<EmulatorEnv>, user: User, sessionId: string): Session => {
  const session =
    sessionId === 'current'
      ? callerSession(c)
      : user.sessions.find((candidate) => candidate.id === sessionId);
  if (!session) throw new AppwriteError('user_session_not_found');
  return session;
};

/**
 * Appwrite's `Host` validator for redirect URLs (`url` of verification, recovery and magic URL):
 * an absolute http(s) URL whose host is one of the project's platforms.
 */
export const platformUrl = (project: Project) =>
  z
    .string()
    .refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return /^https?:$/.test(url.protocol) && project.platforms.includes(url.hostname);
    })
    .describe(`URL host must be one of: ${project.platforms.join(', ')}`);

/** Appwrite's phone validator: E.164, a `+` and at most fifteen digits. */
export const phoneNumber = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/)
  .describe("Phone number must start with a '+' can have a maximum of fifteen digits.");

/** Refuses a new user once the project holds its `limit` of users (0 is unlimited). */
export const checkUserLimit = (project: Project): void => {
  const limit = project.auth.limit;
  if (limit !== 0 && project.users.size >= limit) throw new AppwriteError('user_count_exceeded');
};

/** A freshly issued token with its secret, which is only ever stored hashed. */
export interface IssuedToken {
  token: Token;
  secret: string;
}

/** Stores a new token of `type` for `user`, valid for `lifetime` seconds. */
export const issueToken = (
  user: User,
  type: TokenType,
  secret: string,
  lifetime: number,
  now: number,
): IssuedToken => {
  const token: Token = {
    id: uniqueId(now),
    createdAt: now,
    userId: user.id,
    secretHash: sha256(secret),
    expire: now + lifetime * 1000,
    type,
    provider: '',
  };
  user.tokens.push(token);
  return { token, secret };
};

/** A token secret of `length` hex characters (Appwrite's `Auth::tokenGenerator`). */
export const tokenSecret = (length: number): string => randomHex(Math.ceil(length / 2)).slice(0, length);

/** A six-digit one-time code (Appwrite's `Auth::codeGenerator`). */
export const otpCode = (): string => {
  const digits = randomHex(8);
  return (Number.parseInt(digits, 16) % 1_000_000).toString().padStart(6, '0');
};

/**
 * Appwrite's `Auth::tokenVerify`: the user's unexpired token whose secret matches, of `types`
 * (any type when omitted).
 */
export const verifyToken = (
  user: User,
  secret: string,
  now: number,
  types?: readonly TokenType[],
): Token | null => {
  const digest = sha256(secret);
  return (
    user.tokens.find(
      (token) =>
        (types === undefined || types.includes(token.type)) &&
        token.expire >= now &&
        digestEquals(token.secretHash, digest),
    ) ?? null
  );
};

/** Removes a token once used. */
export const consumeToken = (user: User, token: Token): void => {
  user.tokens = user.tokens.filter((candidate) => candidate !== token);
};

/** The Token model: `secret` only for API-key callers (it is a sensitive attribute), `phrase` if asked for. */
export const tokenResponse = (
  c: Context<EmulatorEnv>,
  issued: IssuedToken,
  phrase = '',
): Record<string, unknown> => ({
  ...tokenModel(issued.token, c.var.caller.kind === 'key' ? issued.secret : ''),
  phrase,
});

const PHRASE_ADJECTIVES = [
  'Brave',
  'Calm',
  'Eager',
  'Gentle',
  'Happy',
  'Lucky',
  'Proud',
  'Quiet',
  'Swift',
  'Witty',
];
const PHRASE_NOUNS = [
  'Badger',
  'Falcon',
  'Otter',
  'Panda',
  'Heron',
  'Lynx',
  'Tiger',
  'Walrus',
  'Koala',
  'Raven',
];

/** A security phrase of an adjective and an animal, as Appwrite's `Phrase::generate`. */
export const securityPhrase = (): string => {
  const [a = 0, b = 0] = Buffer.from(randomHex(2), 'hex');
  return `${PHRASE_ADJECTIVES[a % PHRASE_ADJECTIVES.length]} ${PHRASE_NOUNS[b % PHRASE_NOUNS.length]}`;
};
