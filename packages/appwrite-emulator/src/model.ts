import { type PasswordHash, uniqueId } from './crypto.ts';
import type { Database } from './tablesdb/model.ts';
import type { Team } from './teams/model.ts';
import type { UserAgentInfo } from './useragent.ts';

/** A session as stored: the secret itself is never kept, only its sha256. */
export interface Session {
  id: string;
  createdAt: number;
  updatedAt: number;
  userId: string;
  expire: number;
  provider: string;
  providerUid: string;
  secretHash: string;
  ip: string;
  userAgent: UserAgentInfo;
  factors: string[];
}

/**
 * What a token is for, as Appwrite's token types: `generic` (`users.createToken`), `oauth2`, the
 * email flows (`verification`, `recovery`, `magic-url`, `email` OTP) and `phone`.
 */
export type TokenType = 'generic' | 'oauth2' | 'verification' | 'recovery' | 'magic-url' | 'email' | 'phone';

/** A one-time secret of a user: a login token, or an email verification or recovery secret. */
export interface Token {
  id: string;
  createdAt: number;
  userId: string;
  secretHash: string;
  expire: number;
  type: TokenType;
  provider: string;
}

export interface Target {
  id: string;
  createdAt: number;
  updatedAt: number;
  providerType: 'email';
  identifier: string;
}

export interface User {
  id: string;
  createdAt: number;
  updatedAt: number;
  name: string;
  email: string | null;
  phone: string;
  password: PasswordHash | null;
  /** Earlier password hashes, newest last, kept for the project's `passwordHistory` check. */
  passwordHistory: PasswordHash[];
  passwordUpdate: number | null;
  registration: number;
  status: boolean;
  labels: string[];
  emailVerification: boolean;
  phoneVerification: boolean;
  prefs: Record<string, unknown>;
  accessedAt: number;
  sessions: Session[];
  tokens: Token[];
  targets: Target[];
}

/**
 * The project settings that change auth behaviour, named as in Appwrite's project `auths`
 * attribute. Defaults are those of a project created in Appwrite 1.9.
 */
export interface AuthSettings {
  /** Session length in seconds (`duration`, default one year). */
  duration: number;
  /** Sessions kept per user (`maxSessions`, default 10); the oldest are deleted. */
  maxSessions: number;
  /** Most users the project may have; 0 is unlimited (`limit`). */
  limit: number;
  /** Previous passwords a user may not reuse; 0 turns the check off (`passwordHistory`). */
  passwordHistory: number;
  /** Refuse the most common passwords (`passwordDictionary`). */
  passwordDictionary: boolean;
  /** Refuse passwords containing the user's name, email, phone or ID (`personalDataCheck`). */
  personalDataCheck: boolean;
  /** A password change deletes the user's other sessions (`invalidateSessions`, default true). */
  invalidateSessions: boolean;
}

/** The auth settings of a new Appwrite 1.9 project. */
export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  duration: 31_536_000,
  maxSessions: 10,
  limit: 0,
  passwordHistory: 0,
  passwordDictionary: false,
  personalDataCheck: false,
  invalidateSessions: true,
};

export interface ApiKey {
  name: string;
  secret: string;
  scopes: string[];
  expire: number | null;
}

export interface Project {
  id: string;
  name: string;
  keys: ApiKey[];
  /** Hostnames registered as platforms: allowed OAuth2 redirect targets and CORS origins. */
  platforms: string[];
  /** OAuth2 providers enabled in this project. */
  oauthProviders: string[];
  /** The project's auth settings (Appwrite's `auths` attribute of the project document). */
  auth: AuthSettings;
  users: Map<string, User>;
  /** Lower-cased email → user ID. */
  emails: Map<string, string>;
  databases: Map<string, Database>;
  teams: Map<string, Team>;
}

/** An email the emulator "sent": kept in memory, never delivered. */
export interface Mail {
  id: string;
  projectId: string;
  time: number;
  from: { address: string; name: string };
  to: { address: string; name: string };
  subject: string;
  /** The body as HTML (what Appwrite sends) and as plain text. */
  html: string;
  text: string;
}

/** An authorization code handed out by the built-in OAuth2 provider, redeemed once. */
export interface OAuthCode {
  projectId: string;
  provider: string;
  email: string;
  expire: number;
}

export interface EmulatorState {
  projects: Map<string, Project>;
  oauthCodes: Map<string, OAuthCode>;
  /** Every email the emulator "sent", oldest first (read through the maildev-style API). */
  outbox: Mail[];
}

/** A fresh user record. */
export const newUser = (id: string, now: number, fields: Partial<User> = {}): User => ({
  id,
  createdAt: now,
  updatedAt: now,
  name: '',
  email: null,
  phone: '',
  password: null,
  passwordHistory: [],
  passwordUpdate: null,
  registration: now,
  status: true,
  labels: [],
  emailVerification: false,
  phoneVerification: false,
  prefs: {},
  accessedAt: now,
  sessions: [],
  tokens: [],
  targets: [],
  ...fields,
});

/** The email target Appwrite keeps for a user with an email (none without one). */
export const emailTargets = (email: string | null, now: number, id: string = uniqueId(now)): Target[] =>
  email ? [{ id, createdAt: now, updatedAt: now, providerType: 'email', identifier: email }] : [];

/** Adds a user to a project, indexing its email. Callers have checked that id and email are free. */
export const addUser = (project: Project, user: User): void => {
  project.users.set(user.id, user);
  if (user.email) project.emails.set(user.email, user.id);
};
