import { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { AppwriteError, invalidParam } from '../errors.ts';
import { PAGE_SHAPE, readListRequest, readParams, validate } from '../params.ts';
import { indexModel, STRING_TYPES } from '../tablesdb/columns.ts';
import type { Index, Table } from '../tablesdb/model.ts';
import { listWithQueries } from './tablesdb-access.ts';
import { getTable, TABLES_READ, TABLES_WRITE } from './tablesdb-tables.ts';

const KEY = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)
  .describe(
    "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
  );
const SYSTEM_COLUMNS = new Set(['$id', '$createdAt', '$updatedAt']);

const findIndex = (table: Table, key: string): Index => {
  const index = table.indexes.find((candidate) => candidate.key === key);
  if (!index) throw new AppwriteError('column_index_not_found', undefined, key);
  return index;
};

/** Whether the table's rows already repeat a value combination (a unique index would fail). */
const hasDuplicates = (table: Table, columns: string[]): boolean => {
  const seen = new Set<string>();
  for (const row of table.rows.values()) {
    const values = columns.map((column) => row.data[column] ?? null);
    if (values.includes(null)) continue;
    const key = JSON.stringify(values);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
};

/** TablesDB indexes (key, unique, fulltext): create (202), get, list and delete. */
export const indexRoutes = new Hono<EmulatorEnv>()
  .post('/tablesdb/:databaseId/tables/:tableId/indexes', TABLES_WRITE, async (c) => {
    const raw = await readParams(c);
    const params = validate(raw, {
      key: { schema: KEY },
      type: {
        schema: z
          .enum(['key', 'unique', 'fulltext', 'spatial'])
          .describe('Value must be one of (key, fulltext, unique, spatial)'),
      },
      columns: {
        schema: z
          .array(z.string().max(36))
          .max(100)
          .describe(
            "Value must a valid array no longer than 100 items and Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
          ),
      },
      orders: {
        schema: z
          .array(z.enum(['ASC', 'DESC']))
          .max(100)
          .describe('Value must a valid array no longer than 100 items and Value must be one of (ASC, DESC)'),
        optional: true,
      },
      lengths: {
        schema: z
          .array(z.number().int().nullable())
          .max(100)
          .describe('Value must a valid array no longer than 100 items and Value must be a valid integer'),
        optional: true,
      },
    });
    if (params.type === 'spatial')
      throw invalidParam('type', 'Spatial indexes are not supported by the emulator');
    const table = getTable(c);
    for (const name of params.columns) {
      if (SYSTEM_COLUMNS.has(name)) continue;
      const column = table.columns.find((candidate) => candidate.key === name);
      if (!column) throw new AppwriteError('column_unknown', undefined, name);
      if (column.status !== 'available') throw new AppwriteError('column_not_available', undefined, name);
      if (column.array)
        throw new AppwriteError(
          'index_invalid',
          'Creating indexes on array attributes is not currently supported.',
        );
      if (params.type === 'fulltext' && !STRING_TYPES.includes(column.type))
        throw new AppwriteError(
          'column_index_invalid',
          `Attribute "${name}" cannot be part of a fulltext index, must be of type string`,
        );
    }
    if (params.columns.length === 0)
      throw new AppwriteError('column_index_invalid', 'No attributes provided for index');
    if (table.indexes.some((index) => index.key === params.key))
      throw new AppwriteError('column_index_already_exists', undefined, params.key);
    const now = c.var.emulator.clock.now();
    const index: Index = {
      key: params.key,
      type: params.type,
      columns: params.columns,
      orders: params.orders ?? [],
      lengths: params.lengths ?? [],
      // The index is built at once; existing duplicates make a unique index fail, as in Appwrite's worker.
      status: params.type === 'unique' && hasDuplicates(table, params.columns) ? 'failed' : 'available',
      createdAt: now,
      updatedAt: now,
    };
    table.indexes.push(index);
    return c.json(indexModel(index, 'processing'), 202);
  })
  .get('/tablesdb/:databaseId/tables/:tableId/indexes', TABLES_READ, async (c) => {
    const { queries, total } = validate(await readListRequest(c), PAGE_SHAPE);
    const table = getTable(c);
    const result = listWithQueries(
      table.indexes,
      queries ?? [],
      ['key', 'type', 'status', 'columns', 'error'],
      (index, attribute) => indexModel(index)[attribute],
      (index) => index.key,
      'Index',
    );
    return c.json({
      total: total === false ? 0 : result.total,
      indexes: result.page.map((index) => indexModel(index)),
    });
  })
  .get('/tablesdb/:databaseId/tables/:tableId/indexes/:key', TABLES_READ, (c) =>
    c.json(indexModel(findIndex(getTable(c), c.req.param('key')))),
  )
  .delete('/tablesdb/:databaseId/tables/:tableId/indexes/:key', TABLES_WRITE, (c) => {
    const table = getTable(c);
    const index = findIndex(table, c.req.param('key'));
    table.indexes = table.indexes.filter((candidate) => candidate !== index);
    return c.body(null, 204);
  });
