/**
 * Appwrite's list queries (`Query.*` JSON strings from the SDKs) over the Users API's in-memory
 * collections, with the checks utopia-php/database's query validators make: known attributes,
 * value types, array attributes only with `contains`, limit/offset ranges, cursors.
 */
import { AppwriteError, invalidParam } from '../errors.ts';

/** How an attribute is stored, which decides the queries and values it accepts. */
export type AttributeType = 'string' | 'boolean' | 'datetime' | 'string[]';

/** One collection as its list route exposes it. */
export interface ListSchema<T> {
  /** The model's name in the cursor error (`User`, `Membership`). */
  name: string;
  /** Queryable attributes (Appwrite's `ALLOWED_ATTRIBUTES`, plus `$id` and the dates). Datetimes read as epoch ms. */
  attributes: Record<string, { type: AttributeType; read: (item: T) => unknown }>;
  id: (item: T) => string;
}

interface Query {
  method: string;
  attribute: string;
  values: unknown[];
}

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
  'contains',
  'search',
]);
const ORDERS = new Set(['orderAsc', 'orderDesc']);
/** Largest `limit` and `offset` Appwrite accepts (`APP_LIMIT_COUNT`). */
const MAX_PAGE = 5000;

const invalid = (reason: string) => invalidParam('queries', `Invalid query: ${reason}`);

const parse = (raw: string): Query => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalid('Syntax error');
  }
  const query = value as Partial<Query> | null;
  if (typeof query !== 'object' || query === null || typeof query.method !== 'string') {
    throw invalid('Syntax error');
  }
  if (query.values !== undefined && !Array.isArray(query.values)) throw invalid('Syntax error');
  return { method: query.method, attribute: query.attribute ?? '', values: query.values ?? [] };
};

const pageValue = (query: Query): number => {
  const n = query.values[0];
  const min = query.method === 'limit' ? 1 : 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_PAGE) {
    throw invalid(
      `Invalid ${query.method}: Value must be a valid range between ${min} and ${MAX_PAGE.toLocaleString('en-US')}`,
    );
  }
  return n;
};

/** A query value converted to the stored representation, or undefined when it has the wrong type. */
const storedValue = (type: AttributeType, value: unknown): unknown => {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'datetime': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? undefined : ms;
    }
    default:
      return typeof value === 'string' ? value : undefined;
  }
};

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
};

const matches = (method: string, actual: unknown, values: unknown[]): boolean => {
  const [first, second] = values;
  const present = actual !== null && actual !== undefined;
  switch (method) {
    case 'equal':
      return values.includes(actual);
    case 'notEqual':
      return !values.includes(actual);
    case 'contains':
      return Array.isArray(actual)
        ? actual.some((item) => values.includes(item))
        : typeof actual === 'string' && values.some((value) => actual.includes(String(value)));
    case 'lessThan':
      return present && compare(actual, first) < 0;
    case 'lessThanEqual':
      return present && compare(actual, first) <= 0;
    case 'greaterThan':
      return present && compare(actual, first) > 0;
    case 'greaterThanEqual':
      return present && compare(actual, first) >= 0;
    case 'between':
      return present && compare(actual, first) >= 0 && compare(actual, second) <= 0;
    case 'isNull':
      return !present;
    case 'isNotNull':
      return present;
    case 'startsWith':
      return typeof actual === 'string' && actual.startsWith(String(first));
    case 'endsWith':
      return typeof actual === 'string' && actual.endsWith(String(first));
    default:
      return false;
  }
};

/** The schema's own attribute of that name; never a member of `Object.prototype`. */
const attributeOf = <T>(schema: ListSchema<T>, name: string) =>
  Object.hasOwn(schema.attributes, name) ? schema.attributes[name] : undefined;

/** Validates a filter against the schema and returns a predicate over stored values. */
const filterOf = <T>(schema: ListSchema<T>, query: Query): ((item: T) => boolean) => {
  const attribute = attributeOf(schema, query.attribute);
  if (!attribute) throw invalid(`Attribute not found in schema: ${query.attribute}`);
  const { method } = query;
  const isArray = attribute.type === 'string[]';
  if (method === 'search')
    throw invalid(`Searching by attribute "${query.attribute}" requires a fulltext index.`);
  if (isArray && !['contains', 'isNull', 'isNotNull'].includes(method)) {
    throw invalid(`Cannot query ${method} on attribute "${query.attribute}" because it is an array.`);
  }
  if (method === 'contains' && !isArray && attribute.type !== 'string') {
    throw invalid(
      `Cannot query contains on attribute "${query.attribute}" because it is not an array or string.`,
    );
  }
  if (method === 'isNull' || method === 'isNotNull') {
    return (item) => matches(method, attribute.read(item), []);
  }
  if (query.values.length === 0) throw invalid(`${method} queries require at least one value.`);
  if (method === 'between' && query.values.length !== 2)
    throw invalid('Between queries require exactly two values.');
  const values = query.values.map((value) => {
    const stored = storedValue(isArray ? 'string' : attribute.type, value);
    if (stored === undefined) throw invalid(`Query value is invalid for attribute "${query.attribute}"`);
    return stored;
  });
  return (item) => matches(method, attribute.read(item), values);
};

/**
 * Runs a list request over `all` (already in Appwrite's default order, creation order): filters,
 * the extra `filters` the route adds (e.g. `search`), order, cursor, then the page. `total` counts
 * every match regardless of the page, as Appwrite's count does.
 */
export const runList = <T>(
  schema: ListSchema<T>,
  all: T[],
  rawQueries: string[],
  filters: ((item: T) => boolean)[] = [],
): { page: T[]; total: number } => {
  let limit = 25;
  let offset = 0;
  let cursor: { id: string; after: boolean } | null = null;
  const predicates = [...filters];
  const orders: { read: (item: T) => unknown; desc: boolean }[] = [];
  for (const query of rawQueries.map(parse)) {
    if (FILTERS.has(query.method)) predicates.push(filterOf(schema, query));
    else if (ORDERS.has(query.method)) {
      const attribute = attributeOf(schema, query.attribute);
      if (!attribute) throw invalid(`Attribute not found in schema: ${query.attribute}`);
      orders.push({ read: attribute.read, desc: query.method === 'orderDesc' });
    } else if (query.method === 'limit') limit = pageValue(query);
    else if (query.method === 'offset') offset = pageValue(query);
    else if (query.method === 'cursorAfter' || query.method === 'cursorBefore') {
      const id = query.values[0];
      if (typeof id !== 'string' || id === '')
        throw invalid('Invalid cursor: Cursor must contain at least one value');
      cursor = { id, after: query.method === 'cursorAfter' };
    } else throw invalid(`Invalid query method: ${query.method}`);
  }
  // Array.prototype.sort is stable, so ties keep the default (creation) order.
  const sorted = [...all].sort((a, b) => {
    for (const { read, desc } of orders) {
      const order = compare(read(a), read(b));
      if (order !== 0) return desc ? -order : order;
    }
    return 0;
  });
  let items = sorted.filter((item) => predicates.every((predicate) => predicate(item)));
  const total = items.length;
  if (cursor) {
    const { id, after } = cursor;
    const at = sorted.findIndex((item) => schema.id(item) === id);
    if (at === -1) {
      throw new AppwriteError(
        'general_cursor_not_found',
        `${schema.name} '${id}' for the 'cursor' value not found.`,
      );
    }
    const rank = new Map(sorted.map((item, index) => [item, index]));
    if (after) items = items.filter((item) => (rank.get(item) ?? 0) > at);
    else {
      const before = items.filter((item) => (rank.get(item) ?? 0) < at);
      return {
        page: before.slice(Math.max(0, before.length - offset - limit), before.length - offset),
        total,
      };
    }
  }
  return { page: items.slice(offset, offset + limit), total };
};

/**
 * Appwrite's `search` parameter as utopia-php/database runs it on MariaDB: full-text operators
 * (`@ + - * ( ) < > ~ "`) become spaces; a term wrapped in double quotes is an exact phrase,
 * otherwise any of its words matches (the last one as a prefix). A term left empty matches nothing.
 */
export const searchFilter = (term: string): ((text: string) => boolean) => {
  const exact = term.length > 1 && term.startsWith('"') && term.endsWith('"');
  const words = (value: string) =>
    value
      .toLowerCase()
      .split(/[^\p{L}\p{N}_]+/u)
      .filter(Boolean);
  const terms = words(term.replace(/[@+\-*()<>~"]/g, ' '));
  if (terms.length === 0) return () => false;
  if (exact) {
    return (text) => {
      const indexed = words(text);
      return indexed.some((_, start) => terms.every((word, i) => indexed[start + i] === word));
    };
  }
  return (text) => {
    const indexed = words(text);
    return terms.some((word, index) =>
      index === terms.length - 1
        ? indexed.some((candidate) => candidate.startsWith(word))
        : indexed.includes(word),
    );
  };
};
