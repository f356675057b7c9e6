import { formatDate, formatOptionalDate } from './clock.ts';
import type { Session, Token, User } from './model.ts';

/** The Account model: the User model without `password`, `hash` and `hashOptions`. */
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
  targets: user.targets.map((target) => ({
    $id: target.id,
    $createdAt: formatDate(target.createdAt),
    $updatedAt: formatDate(target.updatedAt),
    name: '',
    userId: user.id,
    providerId: null,
    providerType: target.providerType,
    identifier: target.identifier,
    expired: false,
  })),
  accessedAt: formatDate(user.accessedAt),
});

/** The User model of the Users API (API keys only): the account plus the password hash, as Appwrite. */
export const userModel = (user: User): Record<string, unknown> => {
  const account = accountModel(user);
  const hash = user.password;
  return {
    ...account,
    password: hash ? hash.hash : null,
    hash: hash ? hash.algorithm : null,
    hashOptions: hash
      ? {
          type: hash.algorithm,
          salt: hash.salt,
          costCpu: hash.costCpu,
          costMemory: hash.costMemory,
          costParallel: hash.costParallel,
          length: hash.length,
        }
      : null,
  };
};

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
