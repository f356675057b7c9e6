/** Parameter validators of the Teams API, with Appwrite's validator descriptions. */
import type { Context } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { invalidParam } from '../errors.ts';
import type { Project } from '../model.ts';
import { arrayParam, type Params, readParams } from '../params.ts';

// utopia's Key validator: letters, digits, period, hyphen and underscore, not starting with a special char.
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Team roles: `ArrayList(Key(maxLength: 81), 100)`, as Appwrite declares `roles`. */
export const roles = z
  .array(z.string().max(81).regex(KEY))
  .max(100)
  .describe(
    "Value must a valid array no longer than 100 items and Parameter must contain at most 81 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
  );

/** Appwrite's Phone validator: E.164, a leading `+` and at most fifteen digits. */
export const phone = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/)
  .describe("Phone number must start with a '+' can have a maximum of fifteen digits.");

/** utopia's Assoc validator: a JSON object (not a list). */
export const assoc = z.record(z.string(), z.unknown()).describe('Value must be a valid object.');

/** The request's parameters with the route's path parameters (`teamId`, `membershipId`) merged in. */
export const routeParams = async (c: Context<EmulatorEnv>): Promise<Params> => ({
  ...(await readParams(c)),
  ...c.req.param(),
});

/** The `queries` / `search` / `total` parameters of a list route. */
export const listParams = async (c: Context<EmulatorEnv>): Promise<Params> => {
  const params = await routeParams(c);
  return { ...params, queries: arrayParam(c, params, 'queries') };
};

/** Appwrite's redirect validator: an http(s) URL on one of the project's platform hostnames. */
export const checkRedirect = (project: Project, name: string, value: string): void => {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !/^https?:$/.test(url.protocol) || !project.platforms.includes(url.hostname)) {
    throw invalidParam(
      name,
      `Invalid URI. Register your new client (${url?.hostname ?? 'unknown'}) as a new Web platform on your project console dashboard`,
    );
  }
};
