import { formatDate, formatOptionalDate } from './clock.ts';
import { emailMetadata } from './email-metadata.ts';
import type { Session, Target, Token, User } from './model.ts';

/** The Target model (a user's message receiver). */
export const targetModel = (user: User, target: Target): Record<string, unknown> => ({
  $id: target.id,
  $createdAt: formatDate(target.createdAt),
  $updatedAt: formatDate(target.updatedAt),
  name: '',
  userId: user.id,
  providerId: null,
  providerType: target.providerType,
  identifier: target.identifier,
  expired: false,
});

/**
 * The Account model: the User model without `password`, `hash` and `hashOptions`. Appwrite 1.9
 * adds the email metadata (`emailCanonical`, `emailIs*`) and the impersonation fields; the
 * emulator has no impersonation, so `impersonator` is false and `impersonatorUserId` null.
 */
export const accountModel = (user: User): Record<string, unknown> => ({
  $id: user.id,
  $createdAt: formatDate(user.createdAt),
  $updatedAt: formatDate(user.updatedAt),
  name: user.name,
  registration: formatDate(user.registration),
  status: user.status,
  labels: [...user.labels],
  passwordUpdate: formatOptionalDate(user.passwordUpdate),
  email: user.email ?? '',
  phone: user.phone,
  emailVerification: user.emailVerification,
  phoneVerification: user.phoneVerification,
  mfa: false,
  prefs: { ...user.prefs },
  targets: user.targets.map((target) => targetModel(user, target)),
  accessedAt: formatDate(user.accessedAt),
  ...emailMetadata(user.email),
  impersonator: false,
  impersonatorUserId: null,
});

/**
 * The User model of the Users API (API keys only): the account plus the stored password hash, its
 * algorithm and parameters. A user without a password still reports Appwrite's default algorithm.
 */
export const userModel = (user: User): Record<string, unknown> => ({
  ...accountModel(user),
  password: user.password ? user.password.hash : null,
  hash: user.password ? user.password.algorithm : 'argon2',
  hashOptions: user.password
    ? { ...user.password.options }
    : { type: 'argon2', memoryCost: 7168, timeCost: 5, threads: 1 },
});

/**
 * The Session model. `secret` is the encoded cookie value for API-key callers that just created the
 * session, and `""` everywhere else (it is a `sensitive` attribute).
 */
export const sessionModel = (
  session: Session,
  options: { current: boolean; secret?: string },
): Record<string, unknown> => ({
  $id: session.id,
  $createdAt: formatDate(session.createdAt),
  $updatedAt: formatDate(session.updatedAt),
  userId: session.userId,
  expire: formatDate(session.expire),
  provider: session.provider,
  providerUid: session.providerUid,
  providerAccessToken: '',
  providerAccessTokenExpiry: '',
  providerRefreshToken: '',
  ip: session.ip,
  osCode: session.userAgent.osCode,
  osName: session.userAgent.osName,
  osVersion: session.userAgent.osVersion,
  clientType: session.userAgent.clientType,
  clientCode: session.userAgent.clientCode,
  clientName: session.userAgent.clientName,
  clientVersion: session.userAgent.clientVersion,
  clientEngine: session.userAgent.clientEngine,
  clientEngineVersion: session.userAgent.clientEngineVersion,
  deviceName: session.userAgent.deviceName,
  deviceBrand: session.userAgent.deviceBrand,
  deviceModel: session.userAgent.deviceModel,
  countryCode: '--',
  countryName: 'Unknown',
  current: options.current,
  factors: [...session.factors],
  secret: options.secret ?? '',
  mfaUpdatedAt: '',
});

/** The Token model; `secret` is only filled for API-key callers. */
export const tokenModel = (token: Token, secret: string): Record<string, unknown> => ({
  $id: token.id,
  $createdAt: formatDate(token.createdAt),
  userId: token.userId,
  secret,
  expire: formatDate(token.expire),
  phrase: '',
});
