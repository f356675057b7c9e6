import { isIP } from 'node:net';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { AppwriteError, invalidParam, missingParam } from '../errors.ts';
import { PAGE_SHAPE, type Params, readListRequest, readParams, v, validate } from '../params.ts';
import {
  COLUMN_MODELS,
  columnModel,
  FIXED_TEXT_SIZES,
  FLOAT_MAX,
  FLOAT_MIN,
  INT_MAX,
  INT_MIN,
  invalidColumnValue,
  isUrl,
  parseDatetime,
  storedValue,
  TEXT_TYPES,
} from '../tablesdb/columns.ts';
import { type Column, type ColumnSpec, type ColumnType, newColumn, type Table } from '../tablesdb/model.ts';
import { listWithQueries } from './tablesdb-access.ts';
import { getTable, TABLES_READ, TABLES_WRITE } from './tablesdb-tables.ts';

const KEY = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)
  .describe(
    "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
  );
const INTEGER = z.coerce.number().int().describe('Value must be a valid integer');
const FLOAT = z.coerce.number().describe('Value must be a valid float');
const DATETIME = z
  .string()
  .refine((value) => parseDatetime(value) !== null)
  .describe('Value must be valid date between 0000-01-01 00:00:00 and 9999-12-31 23:59:59.');

const TEXT_DEFAULT = z
  .string()
  .describe('Value must be a valid string and at least 0 chars and no longer than 0 chars');

/** The validator of the `default` parameter for each column type (Appwrite's param validators). */
const DEFAULTS: Record<ColumnType, z.ZodType & { description?: string }> = {
  string: TEXT_DEFAULT,
  varchar: TEXT_DEFAULT,
  text: TEXT_DEFAULT,
  mediumtext: TEXT_DEFAULT,
  longtext: TEXT_DEFAULT,
  integer: INTEGER,
  float: FLOAT,
  boolean: v.boolean,
  datetime: DATETIME,
  email: v.email,
  enum: v.text(255),
  url: z.string().refine(isUrl).describe('Value must be a valid URL'),
  ip: z
    .string()
    .refine((value) => isIP(value) !== 0)
    .describe('Value must be a valid IP address'),
};

const formatNumber = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** Reads `default`: optional on create, required but nullable on update (Appwrite's Nullable param). */
const readDefault = (raw: Params, type: ColumnType, required: boolean): unknown => {
  if (!('default' in raw)) {
    if (required) throw missingParam('default');
    return null;
  }
  const value = raw.default;
  if (value === null || value === undefined) return null;
  const result = DEFAULTS[type].safeParse(value);
  if (!result.success) throw invalidParam('default', DEFAULTS[type].description ?? 'Value is invalid');
  return result.data;
};

/** Type-specific options and checks of the create and update routes; returns the column fields. */
const typeOptions = (
  type: ColumnType,
  raw: Params,
  fallback: unknown,
  existing?: Column,
): Pick<ColumnSpec, 'size' | 'min' | 'max' | 'elements'> => {
  switch (type) {
    case 'string':
    case 'varchar':
    case 'text':
    case 'mediumtext':
    case 'longtext': {
      const fixed = FIXED_TEXT_SIZES[type];
      const { size } =
        fixed === undefined
          ? validate(raw, {
              size: {
                schema: v.range(1, type === 'varchar' ? 16_381 : 1_073_741_824),
                optional: existing !== undefined,
              },
            })
          : { size: fixed };
      const limit = size ?? existing?.size ?? 255;
      if (typeof fallback === 'string' && fallback.length > limit)
        throw invalidColumnValue(
          `Value must be a valid string and at least 0 chars and no longer than ${limit} chars`,
        );
      return { size: limit };
    }
    case 'integer':
    case 'float': {
      const isInteger = type === 'integer';
      const params = validate(raw, {
        min: { schema: isInteger ? INTEGER : FLOAT, optional: true },
        max: { schema: isInteger ? INTEGER : FLOAT, optional: true },
      });
      const min = params.min ?? existing?.min ?? (isInteger ? INT_MIN : FLOAT_MIN);
      const max = params.max ?? existing?.max ?? (isInteger ? INT_MAX : FLOAT_MAX);
      if (min > max) throw invalidColumnValue('Minimum value must be lesser than maximum value');
      if (typeof fallback === 'number' && (fallback < min || fallback > max))
        throw invalidColumnValue(
          `Value must be a valid range between ${formatNumber(min)} and ${formatNumber(max)}`,
        );
      return { size: 0, min, max };
    }
    case 'enum': {
      const { elements } = validate(
        { elements: raw.elements },
        {
          elements: {
            schema: z
              .array(z.string().max(255))
              .max(100)
              .describe(
                'Value must a valid array no longer than 100 items and Value must be a valid string and at most 255 chars',
              ),
          },
        },
      );
      if (elements.length === 0) throw invalidColumnValue('Enum elements must not be empty');
      if (elements.some((element) => element.length === 0))
        throw invalidColumnValue('Each enum element must not be empty');
      if (new Set(elements).size !== elements.length)
        throw invalidColumnValue('Enum elements must be unique');
      if (fallback !== null && !elements.includes(fallback as string))
        throw invalidColumnValue('Default value not found in elements');
      return { size: 0, elements };
    }
    default:
      return { size: 0 };
  }
};

const checkDefaultAllowed = (required: boolean, array: boolean, fallback: unknown): void => {
  if (fallback === null) return;
  if (required)
    throw new AppwriteError('column_default_unsupported', 'Cannot set default value for required column');
  if (array)
    throw new AppwriteError('column_default_unsupported', 'Cannot set default value for array columns');
};

const findColumn = (table: Table, key: string): Column => {
  const column = table.columns.find((candidate) => candidate.key === key);
  if (!column) throw new AppwriteError('column_not_found', undefined, key);
  return column;
};

const createColumn = (type: ColumnType) => async (c: Context<EmulatorEnv>) => {
  const raw = await readParams(c);
  const base = validate(raw, {
    key: { schema: KEY },
    required: { schema: v.boolean },
    array: { schema: v.boolean, optional: true },
  });
  const fallback = readDefault(raw, type, false);
  const options = typeOptions(type, raw, fallback);
  const table = getTable(c);
  const array = base.array ?? false;
  checkDefaultAllowed(base.required, array, fallback);
  if (table.columns.some((column) => column.key === base.key))
    throw new AppwriteError('column_already_exists', undefined, base.key);
  const now = c.var.emulator.clock.now();
  const column = newColumn(
    { key: base.key, type, required: base.required, array, default: null, ...options },
    now,
  );
  column.default = fallback === null ? null : storedValue(column, fallback);
  table.columns.push(column);
  // Existing rows get the column's default, as the new SQL column does.
  for (const row of table.rows.values()) row.data[column.key] = column.default ?? (array ? [] : null);
  // The column is usable at once; the create answer reports `processing`, as Appwrite's does
  // before its worker has run.
  return c.json(columnModel(column, 'processing'), 202);
};

const updateColumn = (type: ColumnType) => async (c: Context<EmulatorEnv>) => {
  const raw = await readParams(c);
  const base = validate(raw, {
    required: { schema: v.boolean },
    newKey: { schema: KEY, optional: true },
  });
  const fallback = readDefault(raw, type, true);
  const table = getTable(c);
  const key = c.req.param('key') ?? '';
  const column = findColumn(table, key);
  if (column.status !== 'available') throw new AppwriteError('column_not_available', undefined, key);
  if (column.type !== type) throw new AppwriteError('column_type_invalid');
  checkDefaultAllowed(base.required, column.array, fallback);
  const options = typeOptions(type, raw, fallback, column);
  if (TEXT_TYPES.includes(type) && options.size < column.size) {
    const tooLong = [...table.rows.values()].some((row) => {
      const value = row.data[key];
      const values = Array.isArray(value) ? value : [value];
      return values.some((item) => typeof item === 'string' && item.length > options.size);
    });
    if (tooLong) throw new AppwriteError('column_invalid_resize');
  }
  const newKey = base.newKey && base.newKey !== key ? base.newKey : null;
  if (newKey && table.columns.some((candidate) => candidate.key === newKey))
    throw new AppwriteError('column_already_exists', undefined, newKey);
  Object.assign(column, options, { required: base.required });
  column.default = fallback === null ? null : storedValue(column, fallback);
  column.updatedAt = c.var.emulator.clock.now();
  if (newKey) {
    column.key = newKey;
    for (const row of table.rows.values()) {
      row.data[newKey] = row.data[key];
      delete row.data[key];
    }
    for (const index of table.indexes)
      index.columns = index.columns.map((name) => (name === key ? newKey : name));
  }
  return c.json(columnModel(column));
};

const TYPES = Object.keys(COLUMN_MODELS) as ColumnType[];

/**
 * TablesDB columns of the scalar types: create (202, reported `processing`, usable at once),
 * update, get, list and delete.
 */
export const columnRoutes = new Hono<EmulatorEnv>();
for (const type of TYPES) {
  columnRoutes.post(
    `/tablesdb/:databaseId/tables/:tableId/columns/${type}`,
    TABLES_WRITE,
    createColumn(type),
  );
  columnRoutes.patch(
    `/tablesdb/:databaseId/tables/:tableId/columns/${type}/:key`,
    TABLES_WRITE,
    updateColumn(type),
  );
}
columnRoutes
  .get('/tablesdb/:databaseId/tables/:tableId/columns', TABLES_READ, async (c) => {
    const { queries, total } = validate(await readListRequest(c), PAGE_SHAPE);
    const table = getTable(c);
    const result = listWithQueries(
      table.columns,
      queries ?? [],
      ['key', 'type', 'size', 'required', 'array', 'status', 'error'],
      (column, attribute) => columnModel(column)[attribute],
      (column) => column.key,
      'Column',
    );
    return c.json({
      total: total === false ? 0 : result.total,
      columns: result.page.map((column) => columnModel(column)),
    });
  })
  .get('/tablesdb/:databaseId/tables/:tableId/columns/:key', TABLES_READ, (c) =>
    c.json(columnModel(findColumn(getTable(c), c.req.param('key')))),
  )
  .delete('/tablesdb/:databaseId/tables/:tableId/columns/:key', TABLES_WRITE, (c) => {
    const table = getTable(c);
    const key = c.req.param('key');
    const column = findColumn(table, key);
    // Removed at once: a later getColumn answers 404 column_not_found.
    table.columns = table.columns.filter((candidate) => candidate !== column);
    for (const row of table.rows.values()) delete row.data[key];
    table.indexes = table.indexes
      .map((index) => ({ ...index, columns: index.columns.filter((name) => name !== key) }))
      .filter((index) => index.columns.length > 0);
    return c.body(null, 204);
  });
