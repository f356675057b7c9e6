import type { Context } from 'hono';
import { z } from 'zod';
import { AppwriteError, invalidParam, missingParam } from './errors.ts';

/** Request parameters: the JSON or form body merged over the query string, as Appwrite reads them. */
export type Params = Record<string, unknown>;

const BODY_KEY = 'emulatorParams';

/**
 * A form body's fields. A multipart body that cannot be parsed (no boundary, broken parts) carries no
 * parameters, as PHP's request parsing drops it; the route then reports its missing parameters.
 */
export const readFormBody = async (c: Context): Promise<Params> => {
  try {
    return await c.req.parseBody();
  } catch {
    return {};
  }
};

/**
 * Reads the request's parameters once (cached on the context): query string, then a JSON or
 * form-encoded body on top. A body that is not valid JSON is a 400, not a crash.
 */
export const readParams = async (c: Context): Promise<Params> => {
  const cached = c.get(BODY_KEY as never) as Params | undefined;
  if (cached) return cached;
  // No prototype: a `__proto__` or `constructor` parameter is an ordinary key, as in PHP's arrays,
  // and can neither replace the object's prototype nor shadow a parameter the request lacks.
  const params: Params = Object.assign(Object.create(null) as Params, c.req.query());
  const type = c.req.header('content-type') ?? '';
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    if (type.includes('application/json')) {
      const text = await c.req.text();
      if (text.trim() !== '') {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new AppwriteError(
            'general_argument_invalid',
            'Invalid JSON body: the request body could not be parsed.',
          );
        }
        // An empty JSON array means "no parameters", as Appwrite's request decoding has it.
        const isEmptyList = Array.isArray(body) && body.length === 0;
        if (!isEmptyList && (typeof body !== 'object' || body === null || Array.isArray(body))) {
          throw new AppwriteError('general_argument_invalid', 'The request body must be a JSON object.');
        }
        if (!isEmptyList) Object.assign(params, body);
      }
    } else if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
      Object.assign(params, await readFormBody(c));
    }
  }
  c.set(BODY_KEY as never, params as never);
  return params;
};

/** A parameter validator: a zod schema whose description is Appwrite's validator description. */
type Field = z.ZodType & { description?: string };
type Shape = Record<string, { schema: Field; optional?: boolean }>;
type Parsed<S extends Shape> = {
  [K in keyof S]: S[K]['optional'] extends true
    ? z.output<S[K]['schema']> | undefined
    : z.output<S[K]['schema']>;
};

/**
 * Validates parameters the way Appwrite does: a missing required one is
 * `Param "x" is not optional.`, a bad one ``Invalid `x` param: <validator description>``.
 */
export const validate = <S extends Shape>(params: Params, shape: S): Parsed<S> => {
  const out: Record<string, unknown> = {};
  for (const [name, { schema, optional }] of Object.entries(shape)) {
    const value = params[name];
    if (value === undefined || value === null || value === '') {
      if (!optional) throw missingParam(name);
      out[name] = undefined;
      continue;
    }
    const result = schema.safeParse(value);
    if (!result.success) throw invalidParam(name, schema.description ?? 'Value is invalid');
    out[name] = result.data;
  }
  return out as Parsed<S>;
};

const CUSTOM_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/;

/** Appwrite's validators, with their descriptions. */
export const v = {
  customId: z
    .string()
    .refine((value) => value === 'unique()' || CUSTOM_ID.test(value))
    .describe(
      "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
    ),
  uid: z
    .string()
    .regex(CUSTOM_ID)
    .describe(
      "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
    ),
  email: z.email().max(255).describe('Value must be a valid email address'),
  password: z.string().min(8).max(256).describe('Password must be between 8 and 256 characters long.'),
  text: (max: number) =>
    z.string().max(max).describe(`Value must be a valid string and at most ${max} chars`),
  range: (min: number, max: number) =>
    z.coerce
      .number()
      .int()
      .min(min)
      .max(max)
      .describe(
        `Value must be a valid range between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}`,
      ),
  boolean: z
    .union([
      z.boolean(),
      z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1'),
    ])
    .describe('Value must be a valid boolean'),
  url: z
    .string()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol))
    .describe('Value must be a valid URL'),
  stringArray: (maxItems: number, maxLength: number) =>
    z
      .array(z.string().max(maxLength))
      .max(maxItems)
      .describe(
        `Value must a valid array no longer than ${maxItems} items and Value must be a valid string and at most ${maxLength} chars`,
      ),
};

/** Collects `name[]` / `name[0]` style array parameters (how the SDKs send `queries`). */
export const arrayParam = (c: Context, params: Params, name: string): unknown => {
  if (params[name] !== undefined) return params[name];
  const url = new URL(c.req.url);
  const values: string[] = [];
  for (const [key, value] of url.searchParams) {
    if (key === `${name}[]` || new RegExp(`^${name}\\[\\d+\\]$`).test(key)) values.push(value);
  }
  return values.length > 0 ? values : undefined;
};

/** A list route's `queries` (at most 100, each at most 4096 characters), `search` and `total`. */
export const LIST_SHAPE = {
  queries: { schema: v.stringArray(100, 4096), optional: true },
  search: { schema: v.text(256), optional: true },
  total: { schema: v.boolean, optional: true },
} as const;

/** A list route without `search`. */
export const PAGE_SHAPE = { queries: LIST_SHAPE.queries, total: LIST_SHAPE.total } as const;

/** The request's parameters, `queries` collected as an array (see arrayParam). */
export const readListRequest = async (c: Context): Promise<Params> => {
  const params = await readParams(c);
  return { ...params, queries: arrayParam(c, params, 'queries') };
};
