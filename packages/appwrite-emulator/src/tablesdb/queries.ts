import { formatDate } from '../clock.ts';
import { AppwriteError } from '../errors.ts';
import {
  compare,
  isQueryShape,
  FILTER_METHODS as LIST_FILTER_METHODS,
  MAX_PAGE,
  parseQuery as parseListQuery,
  pageValue as parsePageValue,
  type QueryJson,
  searchFilter,
} from '../list-queries.ts';
import { parseDatetime, STRING_TYPES, valueProblem } from './columns.ts';
import type { Column, Row, Table } from './model.ts';

export type ParsedQuery = QueryJson;

export const queryError = (message: string): AppwriteError =>
  new AppwriteError('general_query_invalid', `Invalid query: ${message}`);

const NON_FILTERS = new Set([
  'orderAsc',
  'orderDesc',
  'orderRandom',
  'limit',
  'offset',
  'cursorAfter',
  'cursorBefore',
  'select',
]);
/** The list routes' filters, and the negated, array and logical ones rows add. */
const FILTER_METHODS = new Set([
  ...LIST_FILTER_METHODS,
  'notBetween',
  'containsAny',
  'containsAll',
  'notContains',
  'notStartsWith',
  'notEndsWith',
  'notSearch',
  'and',
  'or',
]);
const METHODS = new Set([...FILTER_METHODS, ...NON_FILTERS]);

/** Parses one SDK query string (`{"method","attribute","values"}`); anything else is a 400. */
export const parseQuery = (raw: string): ParsedQuery => parseListQuery(raw, queryError);

/**
 * The value of a `limit` (1–5000) or `offset` (0–5000) query, null for other methods; an out of
 * range or non-integer value is 400 general_query_invalid.
 */
export const pageValue = (query: ParsedQuery): number | null =>
  query.method === 'limit' || query.method === 'offset' ? parsePageValue(query, queryError) : null;

/** A row's value for a column or one of the `$` attributes queries may use. */
export const attributeValue = (row: Row, attribute: string): unknown => {
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

const SYSTEM_COLUMNS: Column[] = (
  [
    ['$id', 'string'],
    ['$sequence', 'integer'],
    ['$createdAt', 'datetime'],
    ['$updatedAt', 'datetime'],
  ] as const
).map(([key, type]) => ({
  key,
  type,
  required: true,
  array: false,
  size: 255,
  default: null,
  status: 'available',
  createdAt: 0,
  updatedAt: 0,
}));

/** MariaDB boolean-mode fulltext search as Appwrite builds it, on string columns only. */
const fulltextMatch = (text: unknown, term: unknown): boolean =>
  typeof text === 'string' && typeof term === 'string' && searchFilter(term)(text);

const matches = (query: ParsedQuery, row: Row): boolean => {
  const values = query.values ?? [];
  if (query.method === 'and') return (values as ParsedQuery[]).every((inner) => matches(inner, row));
  if (query.method === 'or') return (values as ParsedQuery[]).some((inner) => matches(inner, row));
  const actual = attributeValue(row, query.attribute ?? '');
  const some = (test: (expected: unknown) => boolean) => values.some(test);
  const text = typeof actual === 'string' ? actual : null;
  switch (query.method) {
    case 'equal':
      return values.includes(actual);
    case 'notEqual':
      return actual !== null && actual !== undefined && !values.includes(actual);
    case 'lessThan':
      return actual != null && some((v) => compare(actual, v) < 0);
    case 'lessThanEqual':
      return actual != null && some((v) => compare(actual, v) <= 0);
    case 'greaterThan':
      return actual != null && some((v) => compare(actual, v) > 0);
    case 'greaterThanEqual':
      return actual != null && some((v) => compare(actual, v) >= 0);
    case 'between':
      return actual != null && compare(actual, values[0]) >= 0 && compare(actual, values[1]) <= 0;
    case 'notBetween':
      return actual != null && (compare(actual, values[0]) < 0 || compare(actual, values[1]) > 0);
    case 'isNull':
      return actual === null || actual === undefined;
    case 'isNotNull':
      return actual !== null && actual !== undefined;
    case 'startsWith':
      return text !== null && some((v) => typeof v === 'string' && text.startsWith(v));
    case 'notStartsWith':
      return text !== null && !some((v) => typeof v === 'string' && text.startsWith(v));
    case 'endsWith':
      return text !== null && some((v) => typeof v === 'string' && text.endsWith(v));
    case 'notEndsWith':
      return text !== null && !some((v) => typeof v === 'string' && text.endsWith(v));
    case 'contains':
    case 'containsAny':
      if (Array.isArray(actual)) return some((v) => actual.includes(v));
      return text !== null && some((v) => typeof v === 'string' && text.includes(v));
    case 'containsAll':
      if (Array.isArray(actual)) return values.every((v) => actual.includes(v));
      return text !== null && values.every((v) => typeof v === 'string' && text.includes(v));
    case 'notContains':
      if (Array.isArray(actual)) return !some((v) => actual.includes(v));
      return text !== null && !some((v) => typeof v === 'string' && text.includes(v));
    case 'search':
      return fulltextMatch(actual, values[0]);
    case 'notSearch':
      return actual != null && !fulltextMatch(actual, values[0]);
    default:
      return false;
  }
};

const ucfirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const ONE_VALUE = new Set(['startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'search', 'notSearch']);
const RANGE = new Set(['between', 'notBetween']);
const NO_VALUE = new Set(['isNull', 'isNotNull']);
const ARRAY_METHODS = new Set([
  'contains',
  'containsAny',
  'containsAll',
  'notContains',
  'isNull',
  'isNotNull',
]);
const STRING_METHODS = new Set([
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'search',
  'notSearch',
]);

/** Checks one filter against the table's schema, with utopia-php/database's messages. */
const checkFilter = (table: Table, query: ParsedQuery): void => {
  const values = query.values ?? [];
  if (query.method === 'and' || query.method === 'or') {
    if (values.length < 2) throw queryError(`${ucfirst(query.method)} queries require at least two queries`);
    for (const inner of values) {
      if (!isQueryShape(inner)) throw queryError('Syntax error');
      checkFilter(table, inner);
    }
    return;
  }
  if (!FILTER_METHODS.has(query.method)) throw queryError(`Invalid query method: ${query.method}`);
  const attribute = query.attribute ?? '';
  const column = [...table.columns, ...SYSTEM_COLUMNS].find((candidate) => candidate.key === attribute);
  if (!column) throw queryError(`Attribute not found in schema: ${attribute}`);
  if (column.array && !ARRAY_METHODS.has(query.method))
    throw queryError(`Cannot query ${query.method} on attribute "${attribute}" because it is an array.`);
  if (
    ['contains', 'containsAny', 'containsAll', 'notContains'].includes(query.method) &&
    !column.array &&
    !STRING_TYPES.includes(column.type)
  )
    throw queryError(
      `Cannot query ${query.method} on attribute "${attribute}" because it is not an array or string.`,
    );
  if (STRING_METHODS.has(query.method) && !STRING_TYPES.includes(column.type))
    throw queryError(`Cannot query ${query.method} on attribute "${attribute}" because it is not a string.`);
  if (RANGE.has(query.method) && values.length !== 2)
    throw queryError(`${ucfirst(query.method)} queries require exactly two values.`);
  if (ONE_VALUE.has(query.method) && values.length !== 1)
    throw queryError(`${ucfirst(query.method)} queries require exactly one value.`);
  if (!NO_VALUE.has(query.method) && values.length === 0)
    throw queryError(`${ucfirst(query.method)} queries require at least one value.`);
  for (const value of values) {
    const scalar = { ...column, array: false, min: undefined, max: undefined, size: Number.MAX_SAFE_INTEGER };
    const fits =
      column.type === 'datetime'
        ? parseDatetime(value) !== null
        : column.type === 'enum'
          ? typeof value === 'string'
          : valueProblem(scalar, value) === null || (column.type === 'float' && typeof value === 'number');
    if (!fits) throw queryError(`Query value is invalid for attribute "${attribute}"`);
  }
  if (
    (query.method === 'search' || query.method === 'notSearch') &&
    !table.indexes.some(
      (index) => index.type === 'fulltext' && index.columns.length === 1 && index.columns[0] === attribute,
    )
  ) {
    throw new AppwriteError(
      'general_query_invalid',
      `Searching by attribute "${attribute}" requires a fulltext index.`,
    );
  }
};

/** Datetime values in filters compare as stored strings: normalise them to Appwrite's format. */
const normaliseDates = (table: Table, query: ParsedQuery): ParsedQuery => {
  if (query.method === 'and' || query.method === 'or')
    return { ...query, values: (query.values as ParsedQuery[]).map((inner) => normaliseDates(table, inner)) };
  const column = table.columns.find((candidate) => candidate.key === query.attribute);
  const isDate =
    column?.type === 'datetime' || query.attribute === '$createdAt' || query.attribute === '$updatedAt';
  if (!isDate) return query;
  return {
    ...query,
    values: (query.values ?? []).map((value) => {
      const time = parseDatetime(value);
      return time === null ? value : formatDate(time);
    }),
  };
};

export interface QueryResult {
  page: Row[];
  total: number;
  /** Column keys named by `select` queries; null returns every column. */
  select: string[] | null;
}

/**
 * Applies Appwrite JSON queries (`Query.equal(...)` etc. from the SDKs) to `rows`: filters,
 * orders, `limit` (default 25), `offset`, cursors and `select`. `allRows` are every row of the
 * table, where cursors are looked up whatever the caller may read. `total` counts the rows that
 * match the filters, up to 5000.
 */
export const runQueries = (
  table: Table,
  rows: Row[],
  rawQueries: string[],
  allRows: ReadonlyMap<string, Row> = table.rows,
): QueryResult => {
  const known = new Set([...table.columns.map((column) => column.key), ...SYSTEM_COLUMNS.map((c) => c.key)]);
  let limit = 25;
  let offset = 0;
  let random = false;
  let cursor: { direction: 'after' | 'before'; id: string } | null = null;
  let select: string[] | null = null;
  const filters: ParsedQuery[] = [];
  const orders: { attribute: string; direction: 1 | -1 }[] = [];
  for (const raw of rawQueries) {
    const query = parseQuery(raw);
    if (!METHODS.has(query.method)) throw queryError(`Invalid query method: ${query.method}`);
    const values = query.values ?? [];
    const page = pageValue(query);
    if (page !== null) {
      if (query.method === 'limit') limit = page;
      else offset = page;
    } else if (query.method === 'orderAsc' || query.method === 'orderDesc') {
      const attribute = query.attribute || '$sequence';
      if (!known.has(attribute)) throw queryError(`Attribute not found in schema: ${attribute}`);
      orders.push({ attribute, direction: query.method === 'orderAsc' ? 1 : -1 });
    } else if (query.method === 'orderRandom') {
      random = true;
    } else if (query.method === 'cursorAfter' || query.method === 'cursorBefore') {
      const id = values[0];
      if (typeof id !== 'string' || id === '') throw queryError('Cursor must be a string');
      if (cursor) throw queryError('Cursor queries are only allowed once');
      cursor = { direction: query.method === 'cursorAfter' ? 'after' : 'before', id };
    } else if (query.method === 'select') {
      if (values.length === 0) throw queryError('Select queries require at least one value.');
      for (const key of values) {
        if (typeof key !== 'string' || (key !== '*' && !known.has(key) && !key.startsWith('$')))
          throw queryError(`Attribute not found in schema: ${String(key)}`);
      }
      select = [...(select ?? []), ...(values as string[])];
    } else {
      checkFilter(table, query);
      filters.push(normaliseDates(table, query));
    }
  }
  let cursorRow: Row | undefined;
  if (cursor) {
    cursorRow = allRows.get(cursor.id);
    if (!cursorRow)
      throw new AppwriteError(
        'general_cursor_not_found',
        `Row '${cursor.id}' for the 'cursor' value not found.`,
      );
    for (const { attribute } of orders) {
      const value = attributeValue(cursorRow, attribute);
      if (value === null || value === undefined)
        throw new AppwriteError(
          'database_query_order_null',
          `The order column '${attribute}' had a null value. Cursor pagination requires all rows order column values are non-null.`,
        );
    }
  }
  const matched = rows.filter((row) => filters.every((filter) => matches(filter, row)));
  // Appwrite's default and tie-breaking order is `$sequence`, i.e. insertion order.
  orders.push({ attribute: '$sequence', direction: 1 });
  const order = (a: Row, b: Row): number => {
    for (const { attribute, direction } of orders) {
      const result = compare(attributeValue(a, attribute), attributeValue(b, attribute));
      if (result !== 0) return result * direction;
    }
    return 0;
  };
  matched.sort(order);
  if (random) {
    for (let i = matched.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [matched[i], matched[j]] = [matched[j] as Row, matched[i] as Row];
    }
  }
  let window = matched;
  if (cursor && cursorRow) {
    const pivot = cursorRow;
    window =
      cursor.direction === 'after'
        ? matched.filter((row) => order(row, pivot) > 0)
        : matched.filter((row) => order(row, pivot) < 0);
  }
  let page: Row[];
  if (cursor?.direction === 'before') {
    // Appwrite walks backwards from the cursor, then returns the page in the requested order.
    const end = Math.max(0, window.length - offset);
    page = window.slice(Math.max(0, end - limit), end);
  } else {
    page = window.slice(offset, offset + limit);
  }
  return { page, total: Math.min(matched.length, MAX_PAGE), select };
};
