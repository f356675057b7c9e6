/**
 * Users API: listing, reading, updating and deleting users (`app/controllers/api/users.php`,
 * Appwrite 1.9). Every route answers the User model, except prefs (Preferences) and delete (204).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { hashPassword } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { type ListSchema, runList } from '../list-queries.ts';
import { emailTargets, type User } from '../model.ts';
import { userModel } from '../models.ts';
import { readParams, v, validate } from '../params.ts';
import { checkPasswordPolicy } from '../password-policy.ts';
import { deleteUserMemberships } from '../teams/store.ts';
import {
  findUser,
  phoneOwner,
  phoneSchema,
  presentParam,
  READ,
  readListParams,
  validateAllowingEmpty,
  WRITE,
} from './users-shared.ts';

const string = (read: (user: User) => unknown) => ({ type: 'string' as const, read });
const boolean = (read: (user: User) => unknown) => ({ type: 'boolean' as const, read });
const datetime = (read: (user: User) => unknown) => ({ type: 'datetime' as const, read });

/** The attributes `GET /v1/users` accepts in queries (`Queries\Users::ALLOWED_ATTRIBUTES`). */
const USERS: ListSchema<User> = {
  name: 'User',
  id: (user) => user.id,
  attributes: {
    $id: string((user) => user.id),
    $createdAt: datetime((user) => user.createdAt),
    $updatedAt: datetime((user) => user.updatedAt),
    name: string((user) => user.name),
    email: string((user) => user.email || null),
    phone: string((user) => user.phone || null),
    status: boolean((user) => user.status),
    passwordUpdate: datetime((user) => user.passwordUpdate),
    registration: datetime((user) => user.registration),
    emailVerification: boolean((user) => user.emailVerification),
    phoneVerification: boolean((user) => user.phoneVerification),
    labels: { type: 'string[]', read: (user) => user.labels },
    accessedAt: datetime((user) => user.accessedAt),
    impersonator: boolean(() => false),
  },
  // Appwrite's `search` attribute of a user holds its ID, email, phone and name.
  searchText: (user) => [user.id, user.email ?? '', user.phone, user.name].join(' '),
};

/** The attributes `GET /v1/users/identities` accepts (`Queries\Identities`); the emulator stores none. */
const IDENTITIES: ListSchema<never> = {
  name: 'Identity',
  id: () => '',
  attributes: Object.fromEntries(
    ['$id', 'userId', 'provider', 'providerUid', 'providerEmail'].map((key) => [key, string(() => null)]),
  ),
};

const LABEL_CHARS = [...'0123456789', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', ...'abcdefghijklmnopqrstuvwxyz'];
/** `ArrayList(Text(36, allowList: alphanumerics), APP_LIMIT_ARRAY_LABELS_SIZE)`. */
const labelsSchema = z
  .array(
    z
      .string()
      .max(36)
      .regex(/^[A-Za-z0-9]*$/),
  )
  .max(1000)
  .describe(
    `Value must a valid array no longer than 1000 items and Value must be a valid string and at most 36 chars and only consist of '${LABEL_CHARS.join(', ')}' chars`,
  );

/** utopia's Assoc validator: a JSON object, at most 65,535 characters once encoded. */
const prefsSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 65_535)
  .describe('Value must be a valid object.');

/** `PATCH`/`PUT` routes change the user and answer the User model. */
const touch = (user: User, now: number): User => {
  user.updatedAt = now;
  return user;
};

export const usersManageRoutes = new Hono<EmulatorEnv>()
  .get('/users', READ, async (c) => {
    const { queries, search, total } = await readListParams(c);
    const result = runList(USERS, [...c.var.project.users.values()], queries, search);
    return c.json({ total: total ? result.total : 0, users: result.page.map(userModel) });
  })
  // Registered before `/users/:userId`, which would otherwise take `identities` for an ID.
  .get('/users/identities', READ, async (c) => {
    const { queries, search } = await readListParams(c);
    // The emulator has no OAuth2 identities; Appwrite 1.9's collection has no full-text index: any search is a 400.
    if (search) {
      throw new AppwriteError(
        'general_query_invalid',
        'Searching by attribute "search" requires a fulltext index.',
      );
    }
    runList(IDENTITIES, [], queries);
    return c.json({ total: 0, identities: [] });
  })
  .get('/users/:userId', READ, (c) => c.json(userModel(findUser(c))))
  .delete('/users/:userId', WRITE, (c) => {
    const { project } = c.var;
    const user = findUser(c);
    project.users.delete(user.id);
    if (user.email) project.emails.delete(user.email);
    deleteUserMemberships(project, user.id);
    return c.body(null, 204);
  })
  .get('/users/:userId/prefs', READ, (c) => c.json({ ...findUser(c).prefs }))
  .patch('/users/:userId/prefs', WRITE, async (c) => {
    const user = findUser(c);
    const { prefs } = validate(await readParams(c), { prefs: { schema: prefsSchema } });
    user.prefs = prefs;
    touch(user, c.var.emulator.clock.now());
    return c.json({ ...prefs });
  })
  .patch('/users/:userId/name', WRITE, async (c) => {
    const user = findUser(c);
    const name = validateAllowingEmpty('name', presentParam(await readParams(c), 'name'), v.text(128));
    user.name = name;
    return c.json(userModel(touch(user, c.var.emulator.clock.now())));
  })
  .patch('/users/:userId/email', WRITE, async (c) => {
    const { project, emulator } = c.var;
    const user = findUser(c);
    const email = validateAllowingEmpty(
      'email',
      presentParam(await readParams(c), 'email'),
      v.email,
    ).toLowerCase();
    const now = emulator.clock.now();
    // Every address already in use has an email target, so Appwrite's target lookup answers
    // first: even the user's own current address answers user_target_already_exists (409).
    if (email !== '') {
      const taken = [...project.users.values()].some((other) =>
        other.targets.some((target) => target.identifier === email),
      );
      if (taken || project.emails.has(email)) throw new AppwriteError('user_target_already_exists');
    }
    if (user.email) project.emails.delete(user.email);
    user.email = email || null;
    user.emailVerification = false;
    if (email) {
      project.emails.set(email, user.id);
      const target = user.targets.find((candidate) => candidate.providerType === 'email');
      if (target) {
        target.identifier = email;
        target.updatedAt = now;
      } else {
        user.targets.push(...emailTargets(email, now));
      }
    } else {
      user.targets = user.targets.filter((target) => target.providerType !== 'email');
    }
    return c.json(userModel(touch(user, now)));
  })
  .patch('/users/:userId/phone', WRITE, async (c) => {
    const { project } = c.var;
    const user = findUser(c);
    const number = validateAllowingEmpty('number', presentParam(await readParams(c), 'number'), phoneSchema);
    // As for email: a number already held (by anyone, this user included) has an SMS target.
    if (number !== '' && (user.phone === number || phoneOwner(project, number, user))) {
      throw new AppwriteError('user_target_already_exists');
    }
    user.phone = number;
    user.phoneVerification = false;
    return c.json(userModel(touch(user, c.var.emulator.clock.now())));
  })
  .patch('/users/:userId/password', WRITE, async (c) => {
    const { project, emulator } = c.var;
    const user = findUser(c);
    const password = validateAllowingEmpty(
      'password',
      presentParam(await readParams(c), 'password'),
      v.password,
    );
    const now = emulator.clock.now();
    if (password === '') {
      // An empty password removes it: the user can no longer sign in with one.
      user.password = null;
      user.passwordUpdate = now;
      return c.json(userModel(touch(user, now)));
    }
    await checkPasswordPolicy(project, user, password);
    const hash = await hashPassword(password);
    const limit = project.auth.passwordHistory;
    if (limit > 0) user.passwordHistory = [...user.passwordHistory, hash].slice(-limit);
    user.password = hash;
    user.passwordUpdate = now;
    if (project.auth.invalidateSessions) user.sessions = [];
    return c.json(userModel(touch(user, now)));
  })
  .patch('/users/:userId/status', WRITE, async (c) => {
    const user = findUser(c);
    const { status } = validate(await readParams(c), { status: { schema: v.boolean } });
    user.status = status;
    return c.json(userModel(touch(user, c.var.emulator.clock.now())));
  })
  .put('/users/:userId/labels', WRITE, async (c) => {
    const user = findUser(c);
    const { labels } = validate(await readParams(c), { labels: { schema: labelsSchema } });
    user.labels = [...new Set(labels)];
    return c.json(userModel(touch(user, c.var.emulator.clock.now())));
  })
  .patch('/users/:userId/verification', WRITE, async (c) => {
    const user = findUser(c);
    const { emailVerification } = validate(await readParams(c), {
      emailVerification: { schema: v.boolean },
    });
    user.emailVerification = emailVerification;
    return c.json(userModel(touch(user, c.var.emulator.clock.now())));
  })
  .patch('/users/:userId/verification/phone', WRITE, async (c) => {
    const user = findUser(c);
    const { phoneVerification } = validate(await readParams(c), {
      phoneVerification: { schema: v.boolean },
    });
    user.phoneVerification = phoneVerification;
    return c.json(userModel(touch(user, c.var.emulator.clock.now())));
  })
  .get('/users/:userId/mfa/factors', READ, (c) => {
    const user = findUser(c);
    // No authenticators or recovery codes exist in the emulator.
    return c.json({
      totp: false,
      phone: user.phone !== '' && user.phoneVerification,
      email: user.email !== null && user.emailVerification,
      recoveryCode: false,
    });
  })
  .get('/users/:userId/logs', READ, async (c) => {
    findUser(c);
    const { queries } = await readListParams(c);
    runList({ name: 'Log', id: () => '', attributes: {} }, [], queries);
    // The emulator keeps no audit log: the list is always empty.
    return c.json({ total: 0, logs: [] });
  });
