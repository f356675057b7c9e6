import * as z from 'zod/mini';
import { listRows } from '../appwrite/rows.ts';
import { appwriteId } from '../config.ts';
import { Hono } from '../hono.ts';
import { apiJson } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { validate } from '../validation.ts';

/** Appwrite's limits: at most 100 queries, each a JSON object such as `{"method":"limit","values":[1]}`. */
const query = z.string().check(
  z.maxLength(4096),
  z.refine((value) => {
    try {
      const parsed: unknown = JSON.parse(value);
      return (
        typeof parsed === 'object' &&
        parsed !== null &&
        !Array.isArray(parsed) &&
        typeof (parsed as { method?: unknown }).method === 'string' &&
        /^[a-zA-Z]{1,32}$/.test((parsed as { method: string }).method)
      );
    } catch {
      return false;
    }
  }, 'each query must be an Appwrite query string, e.g. {"method":"limit","values":[10]}'),
);

const oneOrMany = z.pipe(
  z.optional(z.union([query, z.array(query).check(z.maxLength(100))])),
  z.transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
);

const listQuery = z.pipe(
  z.object({ 'queries[]': oneOrMany, queries: oneOrMany }),
  z.pipe(
    z.transform((value: { 'queries[]': string[]; queries: string[] }) => [
      ...value['queries[]'],
      ...value.queries,
    ]),
    z.array(z.string()).check(z.maxLength(100, 'at most 100 queries')),
  ),
);

const params = z.object({ databaseId: appwriteId, tableId: appwriteId });

/**
 * `GET /tables/:databaseId/:tableId/rows`: `listRows` as the signed-in user, so Appwrite's
 * row permissions decide what they see. `queries[]` are Appwrite query strings, checked for shape and
 * passed through.
 */
export const tablesRoutes = new Hono<AppEnv>().get(
  '/:databaseId/:tableId/rows',
  validate('param', params),
  validate('query', listQuery),
  async (c) => {
    const { databaseId, tableId } = c.req.valid('param');
    const queries = c.req.valid('query');
    // Appwrite's refusals reach the app's error handler as they are (node-appwrite's exception).
    return apiJson(await listRows(c.get('appwrite').client, { databaseId, tableId, queries }));
  },
);
