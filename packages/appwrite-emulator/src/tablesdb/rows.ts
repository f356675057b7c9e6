import { formatDate } from '../clock.ts';
import { AppwriteError } from '../errors.ts';
import type { Column, Row, Table } from './model.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const invalidStructure = (detail: string): AppwriteError =>
  new AppwriteError('row_invalid_structure', `Invalid document structure: ${detail}`);

const checkValue = (column: Column, value: unknown): unknown => {
  const bad = (kind: string) =>
    invalidStructure(`Attribute "${column.key}" has invalid type. Value must be ${kind}`);
  switch (column.type) {
    case 'string':
      if (typeof value !== 'string') throw bad('a valid string');
      if (value.length > column.size)
        throw invalidStructure(
          `Attribute "${column.key}" has invalid format. Value must be a valid string and no longer than ${column.size} chars`,
        );
      return value;
    case 'email':
      if (typeof value !== 'string' || !EMAIL.test(value)) throw bad('a valid email address');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad('a valid integer');
      return value;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a valid float');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('a valid boolean');
      return value;
    case 'datetime': {
      const time = typeof value === 'string' && ISO_DATE.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(time)) throw bad('a valid date in ISO 8601 format');
      return formatDate(time);
    }
  }
};

/**
 * Checks row data against the table's columns, as Appwrite's structure validator does:
 * unknown columns, missing required columns and wrong types are `row_invalid_structure`.
 * Returns the stored form (datetimes normalised, absent optional columns as null).
 */
export const validateRowData = (table: Table, data: Record<string, unknown>): Record<string, unknown> => {
  const known = new Map(table.columns.map((column) => [column.key, column]));
  for (const key of Object.keys(data)) {
    if (!known.has(key)) throw invalidStructure(`Unknown attribute: "${key}"`);
  }
  const stored: Record<string, unknown> = {};
  for (const column of table.columns) {
    const value = data[column.key];
    if (value === undefined || value === null) {
      if (column.required) throw invalidStructure(`Missing required attribute "${column.key}"`);
      stored[column.key] = column.array ? [] : null;
      continue;
    }
    if (column.array) {
      if (!Array.isArray(value)) throw invalidStructure(`Attribute "${column.key}" must be an array`);
      stored[column.key] = value.map((item) => checkValue(column, item));
    } else {
      stored[column.key] = checkValue(column, value);
    }
  }
  return stored;
};

/** The Row model: columns plus `$`-attributes; `$sequence` is a string as in Appwrite 1.9. */
export const rowModel = (table: Table, row: Row): Record<string, unknown> => ({
  ...row.data,
  $id: row.id,
  $sequence: String(row.sequence),
  $createdAt: formatDate(row.createdAt),
  $updatedAt: formatDate(row.updatedAt),
  $permissions: [...row.permissions],
  $databaseId: table.databaseId,
  $tableId: table.id,
});

export interface ParsedQuery {
  method: string;
  attribute?: string;
  values?: unknown[];
}

export const queryError = (message: string): AppwriteError =>
  new AppwriteError('general_query_invalid', `Invalid query: ${message}`);

const FILTERS = new Set([
  'equal',
  'notEqual',
  'lessThan',
  'lessThanEqual',
  'greaterThan',
  'greaterThanEqual',
  'isNull',
  'isNotNull',
  'startsWith',
  'endsWith',
  'between',
]);
/** Largest `limit` and `offset` Appwrite accepts (`APP_LIMIT_COUNT`). */
const MAX_PAGE = 5000;

/** Parses one SDK query string (`{"method","attribute","values"}`); anything else is a 400. */
export const parseQuery = (raw: string): ParsedQuery => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw queryError('Syntax error');
  }
  if (typeof value !== 'object' || value === null || typeof (value as ParsedQuery).method !== 'string') {
    throw queryError('Syntax error');
  }
  const query = value as ParsedQuery;
  if (query.values !== undefined && !Array.isArray(query.values)) throw queryError('Syntax error');
  return query;
};

/**
 * The value of a `limit` (1–5000) or `offset` (0–5000) query, null for other methods; an out of
 * range or non-integer value is 400 general_query_invalid.
 */
export const pageValue = (query: ParsedQuery): number | null => {
  if (query.method !== 'limit' && query.method !== 'offset') return null;
  const n = query.values?.[0];
  const min = query.method === 'limit' ? 1 : 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_PAGE) {
    throw queryError(
      `Invalid ${query.method}: Value must be a valid range between ${min} and ${MAX_PAGE.toLocaleString('en-US')}`,
    );
  }
  return n;
};

type Comparable = string | number | boolean;
const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as Comparable) < (b as Comparable) ? -1 : 1;
};

const attributeValue = (row: Row, attribute: string): unknown => {
  switch (attribute) {
    case '$id':
      return row.id;
    case '$sequence':
      return row.sequence;
    case '$createdAt':
      return formatDate(row.createdAt);
    case '$updatedAt':
      return formatDate(row.updatedAt);
    default:
      return row.data[attribute];
  }
};

const matches = (query: ParsedQuery, row: Row): boolean => {
  const actual = attributeValue(row, query.attribute ?? '');
  const values = query.values ?? [];
  const any = (test: (expected: unknown) => boolean) => values.some(test);
  switch (query.method) {
    case 'equal':
      return Array.isArray(actual) ? actual.some((item) => values.includes(item)) : values.includes(actual);
    case 'notEqual':
      return !values.includes(actual);
    case 'lessThan':
      return any((v) => compare(actual, v) < 0);
    case 'lessThanEqual':
      return any((v) => compare(actual, v) <= 0);
    case 'greaterThan':
      return any((v) => compare(actual, v) > 0);
    case 'greaterThanEqual':
      return any((v) => compare(actual, v) >= 0);
    case 'isNull':
      return actual === null || actual === undefined;
    case 'isNotNull':
      return actual !== null && actual !== undefined;
    case 'startsWith':
      return typeof actual === 'string' && values.some((v) => typeof v === 'string' && actual.startsWith(v));
    case 'endsWith':
      return typeof actual === 'string' && values.some((v) => typeof v === 'string' && actual.endsWith(v));
    case 'between':
      return compare(actual, values[0]) >= 0 && compare(actual, values[1]) <= 0;
    default:
      return false;
  }
};

const SYSTEM_ATTRIBUTES = new Set(['$id', '$sequence', '$createdAt', '$updatedAt']);

/**
 * Applies Appwrite JSON queries (`Query.equal(...)` etc. from the SDKs) to `rows`:
 * filters, `orderAsc`/`orderDesc`, `limit` (default 25) and `offset`. Returns the page and the
 * number of rows that matched the filters.
 */
export const runQueries = (
  table: Table,
  rows: Row[],
  rawQueries: string[],
): { page: Row[]; total: number } => {
  const attributes = new Set([...table.columns.map((column) => column.key), ...SYSTEM_ATTRIBUTES]);
  let limit = 25;
  let offset = 0;
  const filters: ParsedQuery[] = [];
  const orders: { attribute: string; direction: 1 | -1 }[] = [];
  for (const raw of rawQueries) {
    const query = parseQuery(raw);
    const values = query.values ?? [];
    const page = pageValue(query);
    if (page !== null) {
      if (query.method === 'limit') limit = page;
      else offset = page;
    } else if (query.method === 'orderAsc' || query.method === 'orderDesc') {
      const attribute = query.attribute || '$sequence';
      if (!attributes.has(attribute)) throw queryError(`Attribute not found in schema: ${attribute}`);
      orders.push({ attribute, direction: query.method === 'orderAsc' ? 1 : -1 });
    } else if (FILTERS.has(query.method)) {
      if (!query.attribute || !attributes.has(query.attribute)) {
        throw queryError(`Attribute not found in schema: ${query.attribute ?? ''}`);
      }
      if (query.method === 'between' && values.length !== 2)
        throw queryError('Between queries require exactly two values');
      if (!['isNull', 'isNotNull'].includes(query.method) && values.length === 0) {
        throw queryError(`${query.method} queries require at least one value.`);
      }
      filters.push(query);
    } else {
      throw queryError(`Invalid query method: ${query.method}`);
    }
  }
  const matched = rows.filter((row) => filters.every((filter) => matches(filter, row)));
  // Appwrite's default order is by `$sequence`, i.e. insertion order.
  orders.push({ attribute: '$sequence', direction: 1 });
  matched.sort((a, b) => {
    for (const { attribute, direction } of orders) {
      const order = compare(attributeValue(a, attribute), attributeValue(b, attribute));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
  return { page: matched.slice(offset, offset + limit), total: matched.length };
};
