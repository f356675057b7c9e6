/** Guards, lookups and validators the Users API routes share. */
import type { Context } from 'hono';
import { z } from 'zod';
import { type EmulatorEnv, guard } from '../auth.ts';
import { AppwriteError, invalidParam, missingParam } from '../errors.ts';
import type { Project, User } from '../model.ts';
import { LIST_SHAPE, type Params, readListRequest, v, validate } from '../params.ts';

/** `users.read`, as every Users read route is labelled. */
export const READ = guard({ scope: 'users.read' });
/** `users.write`, as every Users write route is labelled. */
export const WRITE = guard({ scope: 'users.write' });
/** Session routes accept `users.write` or `sessions.write`. */
export const SESSIONS_WRITE = guard({ scope: ['users.write', 'sessions.write'] });
/** Listing a user's sessions accepts `users.read` or `sessions.read`. */
export const SESSIONS_READ = guard({ scope: ['users.read', 'sessions.read'] });

/**
 * The user named by the `:userId` path parameter. A malformed ID is a 400 (Appwrite's UID
 * validator), an unknown one 404 user_not_found.
 */
export const findUser = (c: Context<EmulatorEnv>): User => {
  const { userId } = validate({ userId: c.req.param('userId') }, { userId: { schema: v.uid } });
  const user = c.var.project.users.get(userId);
  if (!user) throw new AppwriteError('user_not_found');
  return user;
};

/**
 * A parameter whose validator accepts the empty string (`email`, `number`, `name`, `password` on
 * the update routes): only an absent one is `Param "x" is not optional.`.
 */
export const presentParam = (params: Params, name: string): unknown => {
  const value = params[name];
  if (value === undefined || value === null) throw missingParam(name);
  return value;
};

/** Appwrite's Phone validator: E.164, a leading `+` and at most fifteen digits. */
export const phoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/)
  .describe("Phone number must start with a '+' can have a maximum of fifteen digits.");

/** utopia's Integer validator (JSON numbers, or digits in a form or query string). */
export const integerSchema = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .describe('Value must be a valid integer');

/** Validates one parameter that may be the empty string with `schema` (empty skips the schema). */
export const validateAllowingEmpty = <T>(name: string, value: unknown, schema: z.ZodType<T>): T | '' => {
  if (value === '') return '';
  const result = schema.safeParse(value);
  if (!result.success) throw invalidParam(name, schema.description ?? 'Value is invalid');
  return result.data;
};

/** The `queries`, `search` and `total` parameters of a list route. */
export const readListParams = async (
  c: Context<EmulatorEnv>,
): Promise<{ queries: string[]; search: string; total: boolean }> => {
  const parsed = validate(await readListRequest(c), LIST_SHAPE);
  return { queries: parsed.queries ?? [], search: parsed.search ?? '', total: parsed.total ?? true };
};

/** The user (other than `except`) that holds this phone number, if any. */
export const phoneOwner = (project: Project, phone: string, except?: User): User | undefined => {
  for (const user of project.users.values()) {
    if (user !== except && user.phone === phone) return user;
  }
  return undefined;
};
