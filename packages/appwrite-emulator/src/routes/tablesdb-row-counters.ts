import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { type EmulatorEnv, guard } from '../auth.ts';
import { AppwriteError } from '../errors.ts';
import { readParams, validate } from '../params.ts';
import { rowModel } from '../tablesdb/rows.ts';
import { callerRoles, rowGrants, unauthorized } from './tablesdb-access.ts';

const WRITE = guard({
  scope: ['rows.write', 'documents.write'],
  rateLimit: { limit: 120, window: 60, key: 'ip:{ip},method:{method},url:{url},userId:{userId}' },
});

/** utopia-php's Numeric validator: a number or a numeric string. */
const NUMERIC = z
  .union([z.number(), z.string().regex(/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/)])
  .transform(Number)
  .refine(Number.isFinite)
  .describe('Value must be a valid number');

const KEY = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)
  .describe(
    "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
  );

type Direction = 'increment' | 'decrement';

/**
 * Appwrite's increment/decrement row column actions over utopia-php/database's
 * increase/decreaseDocumentAttribute, in their order of checks: `value` > 0 (400
 * general_argument_invalid), the column exists (404 column_not_found), is a non-array integer or
 * float (400 attribute_type_invalid), the row exists (404 column_not_found, as Appwrite maps every
 * NotFound there), `update` permission (table, plus the row's with rowSecurity), then the bound
 * (400 column_limit_exceeded). Appwrite checks neither `enabled` flag nor the column's own min/max.
 */
const changeColumn = (direction: Direction) => async (c: Context<EmulatorEnv>) => {
  const raw = await readParams(c);
  const bound = direction === 'increment' ? 'max' : 'min';
  const params = validate(
    { column: c.req.param('column'), value: raw.value, [bound]: raw[bound] },
    {
      column: { schema: KEY },
      value: { schema: NUMERIC, optional: true },
      [bound]: { schema: NUMERIC, optional: true },
    },
  );
  const value = params.value ?? 1;
  const limit = (params[bound] as number | undefined) ?? null;
  const databaseId = c.req.param('databaseId') ?? '';
  const database = c.var.project.databases.get(databaseId);
  if (!database) throw new AppwriteError('database_not_found', undefined, databaseId);
  const tableId = c.req.param('tableId') ?? '';
  const table = database.tables.get(tableId);
  if (!table) throw new AppwriteError('table_not_found', undefined, tableId);
  if (value <= 0)
    throw new AppwriteError('general_argument_invalid', 'Value must be numeric and greater than 0');
  const key = params.column;
  const column = table.columns.find((candidate) => candidate.key === key);
  if (!column) throw new AppwriteError('column_not_found');
  if ((column.type !== 'integer' && column.type !== 'float') || column.array)
    throw new AppwriteError('attribute_type_invalid', `tablesDB "${key}" is not a number`);
  const row = table.rows.get(c.req.param('rowId') ?? '');
  if (!row) throw new AppwriteError('column_not_found');
  if (!rowGrants(c, table, row, 'update'))
    throw unauthorized(
      'update',
      [...table.permissions, ...(table.rowSecurity ? row.permissions : [])],
      callerRoles(c),
    );
  const current = row.data[key];
  // PHP arithmetic: a null column counts as 0 in the bound check and in the answer.
  const base = typeof current === 'number' ? current : 0;
  const next = direction === 'increment' ? base + value : base - value;
  if (limit !== null && (direction === 'increment' ? next > limit : next < limit))
    throw new AppwriteError(
      'column_limit_exceeded',
      `tablesDB "${key}" has reached the ${direction === 'increment' ? 'maximum' : 'minimum'} value of ${limit}`,
    );
  // MariaDB leaves a NULL column NULL (`NULL + n`), while the answer carries the PHP sum.
  if (typeof current === 'number') row.data[key] = next;
  row.updatedAt = c.var.emulator.clock.now();
  const answer = rowModel(table, row);
  answer[key] = next;
  return c.json(answer);
};

/** `PATCH …/rows/:rowId/:column/increment` and `/decrement`. */
export const rowCounterRoutes = new Hono<EmulatorEnv>()
  .patch(
    '/tablesdb/:databaseId/tables/:tableId/rows/:rowId/:column/increment',
    WRITE,
    changeColumn('increment'),
  )
  .patch(
    '/tablesdb/:databaseId/tables/:tableId/rows/:rowId/:column/decrement',
    WRITE,
    changeColumn('decrement'),
  );
