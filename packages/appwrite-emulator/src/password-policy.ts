import { hashPassword, type PasswordHash, verifyPassword } from './crypto.ts';
import { AppwriteError, invalidParam } from './errors.ts';
import type { Project, User } from './model.ts';

/**
 * The common passwords the `passwordDictionary` setting refuses. Appwrite checks its list of the
 * 10,000 most common passwords; the emulator ships the best-known ones long enough to pass the
 * 8-character minimum, so a test can prove the setting is applied.
 */
const COMMON_PASSWORDS = new Set([
  '12345678',
  '123456789',
  '1234567890',
  '0123456789',
  '87654321',
  '11111111',
  '00000000',
  '12341234',
  '11223344',
  '88888888',
  '123123123',
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'qwertyuiop',
  'qwerty123',
  'qwertyui',
  '1q2w3e4r',
  '1qaz2wsx',
  'zaq12wsx',
  'asdfghjkl',
  'abcd1234',
  'abc12345',
  'abcdefgh',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'trustno1',
  'superman',
  'starwars',
  'whatever',
  'michelle',
  'jennifer',
  'computer',
  'corvette',
  'mercedes',
  'maverick',
  'midnight',
  'samantha',
  'jordan23',
  'internet',
  'liverpool',
  'chocolate',
  'letmein1',
]);

/** Appwrite's `PasswordDictionary` validator description (its "265" is Appwrite's own text). */
export const PASSWORD_DICTIONARY_DESCRIPTION =
  'Password must be between 8 and 265 characters long, and should not be one of the commonly used password.';

/**
 * The `passwordDictionary` rule, which Appwrite applies as the `password` parameter's validator:
 * a common password is a 400 general_argument_invalid before the route does anything else.
 */
export const checkPasswordDictionary = (project: Project, password: string, param = 'password'): void => {
  if (project.auth.passwordDictionary && COMMON_PASSWORDS.has(password)) {
    throw invalidParam(param, PASSWORD_DICTIONARY_DESCRIPTION);
  }
};

/**
 * Appwrite's `PersonalData` validator: case-insensitively, the password may not contain the user's
 * ID, email, the email's local part, name, or phone (with or without its `+`).
 */
const containsPersonalData = (
  user: Pick<User, 'id' | 'email' | 'name' | 'phone'>,
  password: string,
): boolean => {
  const value = password.toLowerCase();
  const email = (user.email ?? '').toLowerCase();
  const phone = user.phone.toLowerCase();
  const parts = [user.id.toLowerCase(), email, email.split('@')[0] ?? '', user.name.toLowerCase()];
  if (phone) parts.push(phone.replace('+', ''), phone);
  return parts.some((part) => part !== '' && value.includes(part));
};

/** True when `password` matches one of the hashes in `history`. */
const recentlyUsed = async (history: readonly PasswordHash[], password: string): Promise<boolean> => {
  for (const hash of history) {
    if (await verifyPassword(password, hash)) return true;
  }
  return false;
};

/**
 * The project's password rules that Appwrite applies when a password is set (sign-up, password
 * change, recovery, Users API), in Appwrite's order: `passwordDictionary` (400
 * general_argument_invalid), `passwordHistory` (400 password_recently_used), `personalDataCheck`
 * (400 password_personal_data). Throws the Appwrite error of the first rule the password breaks.
 */
export const checkPasswordPolicy = async (
  project: Project,
  user: Pick<User, 'id' | 'email' | 'name' | 'phone' | 'passwordHistory'>,
  password: string,
): Promise<void> => {
  checkPasswordDictionary(project, password);
  if (project.auth.passwordHistory > 0 && (await recentlyUsed(user.passwordHistory, password))) {
    throw new AppwriteError('password_recently_used');
  }
  if (project.auth.personalDataCheck && containsPersonalData(user, password)) {
    throw new AppwriteError('password_personal_data');
  }
};

/**
 * The password history to store after a password change: the new hash appended, the oldest
 * dropped beyond the project's `passwordHistory`; empty when the setting is off, as Appwrite keeps it.
 */
export const nextPasswordHistory = (
  project: Project,
  history: readonly PasswordHash[],
  hash: PasswordHash,
): PasswordHash[] => {
  const limit = project.auth.passwordHistory;
  return limit > 0 ? [...history, hash].slice(-limit) : [];
};

/** Hashes `password` and makes it the user's, keeping the project's password history. */
export const storePassword = async (
  project: Project,
  user: User,
  password: string,
  now: number,
): Promise<void> => {
  const hash = await hashPassword(password);
  user.password = hash;
  user.passwordHistory = nextPasswordHistory(project, user.passwordHistory, hash);
  user.passwordUpdate = now;
};
