/**
 * Users API: creating users, with a plain-text password (`POST /v1/users`) or with a password
 * hashed elsewhere (`POST /v1/users/{md5,bcrypt,argon2,sha,phpass,scrypt,scrypt-modified}`), as
 * Appwrite 1.9's `createUser()` in `app/controllers/api/users.php` does.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { hashPassword, uniqueId } from '../crypto.ts';
import { AppwriteError, invalidParam } from '../errors.ts';
import { addUser, emailTargets, newUser } from '../model.ts';
import { userModel } from '../models.ts';
import { type Params, readParams, v, validate } from '../params.ts';
import { importedHash, type PasswordHash, SHA_VERSIONS } from '../password-hashes.ts';
import { checkPasswordPolicy } from '../password-policy.ts';
import { integerSchema, phoneOwner, phoneSchema, WRITE } from './users-shared.ts';

interface NewUserFields {
  userId: string;
  email: string | null;
  phone: string | null;
  name: string;
  /** The plain-text password (hashed here, after the password policy) or an imported hash. */
  password: { plain: string } | { hashed: PasswordHash } | null;
}

/** Creates the user and answers 201 with the User model; duplicates are 409 user_already_exists. */
const createUser = async (c: Context<EmulatorEnv>, fields: NewUserFields): Promise<Response> => {
  const { project, emulator } = c.var;
  const now = emulator.clock.now();
  const id = fields.userId === 'unique()' ? uniqueId(now) : fields.userId;
  const email = fields.email?.toLowerCase() ?? null;
  const phone = fields.phone ?? '';
  let password: PasswordHash | null = null;
  if (fields.password && 'plain' in fields.password) {
    await checkPasswordPolicy(
      project,
      { id, email, name: fields.name, phone, passwordHistory: [] },
      fields.password.plain,
    );
    password = await hashPassword(fields.password.plain);
  } else if (fields.password) {
    password = fields.password.hashed;
  }
  // Appwrite's unique indexes on the users collection: the ID, the email and the phone.
  if (
    project.users.has(id) ||
    (email && project.emails.has(email)) ||
    (phone && phoneOwner(project, phone))
  ) {
    throw new AppwriteError('user_already_exists');
  }
  const user = newUser(id, now, {
    name: fields.name,
    email,
    phone,
    password,
    passwordHistory: password && project.auth.passwordHistory > 0 ? [password] : [],
    passwordUpdate: password ? now : null,
    targets: emailTargets(email, now),
  });
  addUser(project, user);
  return c.json(userModel(user), 201);
};

/** The parameters every hashed-password import shares: `userId`, `email`, `password`, `name`. */
const importParams = (params: Params) =>
  validate(params, {
    userId: { schema: v.customId },
    email: { schema: v.email },
    password: { schema: v.password },
  });

const optionalName = (params: Params) =>
  validate(params, { name: { schema: v.text(128), optional: true } }).name ?? '';

const noOptions = (): undefined => undefined;

/**
 * A hashed-password import route: validates `userId`, `email` and `password`, then the algorithm's
 * own options, then `name`, and creates the user with the hash `hash` builds (which may still refuse
 * the options).
 */
const importRoute =
  <T>(readOptions: (raw: Params) => T, hash: (password: string, options: T) => PasswordHash) =>
  async (c: Context<EmulatorEnv>): Promise<Response> => {
    const raw = await readParams(c);
    const params = importParams(raw);
    const options = readOptions(raw);
    const name = optionalName(raw);
    return createUser(c, {
      ...params,
      phone: null,
      name,
      password: { hashed: hash(params.password, options) },
    });
  };

// utopia-php/auth's ScryptModified setters: base64 only, and PHP's empty() refuses "0".
const base64Option = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/)
  .refine((value) => value !== '0')
  .describe('Value must be a valid base64 string of at most 128 chars');

/** utopia-php/auth's Scrypt setters: N a power of two above 1, r and p at least 1, output at least 16 bytes. */
const checkScryptCosts = (costs: { cpu: number; memory: number; parallel: number; length: number }): void => {
  if (costs.cpu <= 1 || (costs.cpu & (costs.cpu - 1)) !== 0) {
    throw invalidParam('passwordCpu', 'CPU cost must be > 1 and a power of 2');
  }
  if (costs.memory < 1) throw invalidParam('passwordMemory', 'Memory cost must be >= 1');
  if (costs.parallel < 1) throw invalidParam('passwordParallel', 'Parallel cost must be >= 1');
  if (costs.length < 16) throw invalidParam('passwordLength', 'Length must be >= 16 bytes');
};

const shaVersion = z.enum(SHA_VERSIONS).describe(`Value must be one of (${SHA_VERSIONS.join(', ')})`);

/** `POST /v1/users` and the hashed-password imports. */
export const usersCreateRoutes = new Hono<EmulatorEnv>()
  .post('/users', WRITE, async (c) => {
    const params = validate(await readParams(c), {
      userId: { schema: v.customId },
      email: { schema: v.email, optional: true },
      phone: { schema: phoneSchema, optional: true },
      password: { schema: v.password, optional: true },
      name: { schema: v.text(128), optional: true },
    });
    return createUser(c, {
      userId: params.userId,
      email: params.email ?? null,
      phone: params.phone ?? null,
      name: params.name ?? '',
      password: params.password ? { plain: params.password } : null,
    });
  })
  .post('/users/md5', WRITE, importRoute(noOptions, importedHash.md5))
  .post('/users/bcrypt', WRITE, importRoute(noOptions, importedHash.bcrypt))
  .post('/users/argon2', WRITE, importRoute(noOptions, importedHash.argon2))
  .post('/users/phpass', WRITE, importRoute(noOptions, importedHash.phpass))
  .post(
    '/users/sha',
    WRITE,
    importRoute(
      (raw) => validate(raw, { passwordVersion: { schema: shaVersion, optional: true } }).passwordVersion,
      (password, version) => importedHash.sha(password, version ?? 'sha3-512'),
    ),
  )
  .post(
    '/users/scrypt',
    WRITE,
    importRoute(
      (raw) =>
        validate(raw, {
          passwordSalt: { schema: v.text(128) },
          passwordCpu: { schema: integerSchema },
          passwordMemory: { schema: integerSchema },
          passwordParallel: { schema: integerSchema },
          passwordLength: { schema: integerSchema },
        }),
      (password, costs) => {
        checkScryptCosts({
          cpu: costs.passwordCpu,
          memory: costs.passwordMemory,
          parallel: costs.passwordParallel,
          length: costs.passwordLength,
        });
        return importedHash.scrypt(password, {
          salt: costs.passwordSalt,
          costCpu: costs.passwordCpu,
          costMemory: costs.passwordMemory,
          costParallel: costs.passwordParallel,
          length: costs.passwordLength,
        });
      },
    ),
  )
  .post(
    '/users/scrypt-modified',
    WRITE,
    importRoute(
      (raw) =>
        validate(raw, {
          passwordSalt: { schema: base64Option },
          passwordSaltSeparator: { schema: base64Option },
          passwordSignerKey: { schema: base64Option },
        }),
      (password, options) =>
        importedHash.scryptModified(password, {
          salt: options.passwordSalt,
          saltSeparator: options.passwordSaltSeparator,
          signerKey: options.passwordSignerKey,
        }),
    ),
  );
