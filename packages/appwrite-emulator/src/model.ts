import { type PasswordHash, uniqueId } from './crypto.ts';
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

/** A one-time login token (`users.createToken`, or the result of an OAuth2 sign-in). */
export interface Token {
  id: string;
  createdAt: number;
  userId: string;
  secretHash: string;
  expire: number;
  type: 'generic' | 'oauth2';
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

export type ColumnType = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'email';

export interface Column {
  key: string;
  type: ColumnType;
  required: boolean;
  array: boolean;
  /** Maximum length for `string` columns. */
  size: number;
}

export interface Row {
  id: string;
  sequence: number;
  createdAt: number;
  updatedAt: number;
  permissions: string[];
  data: Record<string, unknown>;
}

export interface Table {
  id: string;
  databaseId: string;
  name: string;
  enabled: boolean;
  rowSecurity: boolean;
  permissions: string[];
  columns: Column[];
  rows: Map<string, Row>;
  nextSequence: number;
}

export interface Database {
  id: string;
  name: string;
  enabled: boolean;
  tables: Map<string, Table>;
}

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
  /** Session length in seconds (`auths.duration`). */
  authDuration: number;
  /** Sessions kept per user (`auths.maxSessions`); older ones are deleted. */
  maxSessions: number;
  users: Map<string, User>;
  /** Lower-cased email → user ID. */
  emails: Map<string, string>;
  databases: Map<string, Database>;
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
