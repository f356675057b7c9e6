import type { Project, User } from './model.ts';

/**
 * The project's password rules that Appwrite applies when a password is set (sign-up, password
 * change, recovery, Users API): `passwordDictionary`, `personalDataCheck` and `passwordHistory`.
 * Throws the Appwrite error of the first rule the password breaks.
 */
export const checkPasswordPolicy = async (
  _project: Project,
  _user: Pick<User, 'id' | 'email' | 'name' | 'phone' | 'passwordHistory'>,
  _password: string,
): Promise<void> => {
  // Not yet enforced.
};
