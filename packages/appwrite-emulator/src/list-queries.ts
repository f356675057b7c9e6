/**
 * Appwrite's list queries (`Query.*` JSON strings from the SDKs) over in-memory lists of API
 * objects (users, targets, teams, memberships), with the checks utopia-php/database's query
 * validators make: known attributes, value types, array attributes only with `contains`,
 * limit/offset ranges, cursors. The TablesDB engines share its parsing, page values, ordering and
 * full-text matcher.
 */
import { AppwriteError, invalidParam } from './errors.ts';

/** Largest `limit` and `offset` Appwrite accepts (`APP_LIMIT_COUNT`). */
export const MAX_PAGE = 5000;

/** One query as the SDKs send it. */
export interface QueryJson {
  method: string;
  attribute?: string;
  values?: unknown[];
}

/** A query with its optional parts filled in. */
interface Query {
  method: string;
  attribute: string;
  values: unknown[];
}

/** How an attribute is stored, which decides the queries and values it accepts. */
export type AttributeType = 'string' | 'boolean' | 'datetime' | 'string[]';

export interface ListAttribute<T> {
  /** Without a type, the attribute takes every filter and any value, unchecked and unconverted. */
  type?: AttributeType;
  /** The item's value; typed datetimes read as epoch ms. */
  read: (item: T) => unknown;
}

/** Where a list route's reading of queries differs; the defaults are utopia-php/database's. */
export interface ListRules {
  /** Whether `search` is a query method (refused for want of a fulltext index) or an unknown one. */
  searchQueries: boolean;
  /** Methods accepted and ignored. */
  ignoredMethods: readonly string[];
  /** The smallest `limit`. */
  limitMin: number;
  /** The reason given for a `limit` or `offset` out of range. */
  pageRange: (method: 'limit' | 'offset', min: number) => string;
  /** The reason given for an empty cursor. */
  emptyCursor: string;
  /**
   * Whether a cursor pages from its place among the matches (a cursor the filters leave out gives
   * an empty page) instead of its place in the whole ordered list.
   */
  cursorAmongMatches: boolean;
  /** How the route's `search` parameter matches an item's `searchText`. */
  searchMatch: (term: string) => (text: string) => boolean;
}

/** One list as its route exposes it. */
export interface ListSchema<T> {
  /** The model's name in the cursor error (`User`, `Membership`). */
  name: string;
  /** Queryable attributes (Appwrite's `ALLOWED_ATTRIBUTES`, plus `$id` and the dates). */
  attributes: Record<string, ListAttribute<T>>;
  id: (item: T) => string;
  /** The words Appwrite indexes for the route's `search` parameter. */
  searchText?: (item: T) => string;
  rules?: Partial<ListRules>;
}

export const FILTER_METHODS = new Set([
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
const ORDER_METHODS = new Set(['orderAsc', 'orderDesc']);

/** utopia-php/database's wording of a `limit` or `offset` out of range. */
const pageRange = (method: string, min: number): string =>
  `Invalid ${method}: Value must be a valid range between ${min} and ${MAX_PAGE.toLocaleString('en-US')}`;

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

const APPWRITE_RULES: ListRules = {
  searchQueries: true,
  ignoredMethods: [],
  limitMin: 1,
  pageRange,
  emptyCursor: 'Invalid cursor: Cursor must contain at least one value',
  cursorAmongMatches: false,
  searchMatch: searchFilter,
};

export const isQueryShape = (value: unknown): value is QueryJson =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as QueryJson).method === 'string' &&
  ((value as QueryJson).values === undefined || Array.isArray((value as QueryJson).values));

/** Parses one SDK query string; anything but `{"method","attribute"?,"values"?}` is `fail('Syntax error')`. */
export const parseQuery = (raw: string, fail: (reason: string) => AppwriteError): Query => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw fail('Syntax error');
  }
  if (!isQueryShape(value)) throw fail('Syntax error');
  return { method: value.method, attribute: value.attribute ?? '', values: value.values ?? [] };
};

/** The value of a `limit` or `offset` query; out of range or not an integer is `fail(…)`. */
export const pageValue = (
  query: QueryJson,
  fail: (reason: string) => AppwriteError,
  rules: Pick<ListRules, 'limitMin' | 'pageRange'> = APPWRITE_RULES,
): number => {
  const n = query.values?.[0];
  const method = query.method === 'limit' ? 'limit' : 'offset';
  const min = method === 'limit' ? rules.limitMin : 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_PAGE) {
    throw fail(rules.pageRange(method, min));
  }
  return n;
};

/** Nulls sort first, as in MariaDB. */
export const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
};

/** `limit` items from `offset`; before a cursor, counted back from the end of `items`. */
export const slicePage = <T>(items: T[], offset: number, limit: number, beforeCursor: boolean): T[] =>
  beforeCursor
    ? items.slice(Math.max(0, items.length - offset - limit), items.length - offset)
    : items.slice(offset, offset + limit);

const invalid = (reason: string) => invalidParam('queries', `Invalid query: ${reason}`);

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
        : values.some((value) =>
            typeof actual === 'string' && typeof value === 'string'
              ? actual.includes(value)
              : actual === value,
          );
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
  const { method, values: raw } = query;
  const { type, read } = attribute;
  if (type === undefined) return (item) => matches(method, read(item), raw);
  const isArray = type === 'string[]';
  if (method === 'search')
    throw invalid(`Searching by attribute "${query.attribute}" requires a fulltext index.`);
  if (isArray && !['contains', 'isNull', 'isNotNull'].includes(method)) {
    throw invalid(`Cannot query ${method} on attribute "${query.attribute}" because it is an array.`);
  }
  if (method === 'contains' && !isArray && type !== 'string') {
    throw invalid(
      `Cannot query contains on attribute "${query.attribute}" because it is not an array or string.`,
    );
  }
  if (method === 'isNull' || method === 'isNotNull') return (item) => matches(method, read(item), []);
  if (raw.length === 0) throw invalid(`${method} queries require at least one value.`);
  if (method === 'between' && raw.length !== 2) throw invalid('Between queries require exactly two values.');
  const values = raw.map((value) => {
    const stored = storedValue(isArray ? 'string' : type, value);
    if (stored === undefined) throw invalid(`Query value is invalid for attribute "${query.attribute}"`);
    return stored;
  });
  return (item) => matches(method, read(item), values);
};

/**
 * Runs a list request over `all` (already in Appwrite's default order, creation order): filters,
 * the `search` parameter, order, cursor, then the page. `total` counts every match regardless of
 * the page, as Appwrite's count does. A bad query is a 400 ``Invalid `queries` param``; a cursor
 * naming a missing item is 400 general_cursor_not_found.
 */
export const runList = <T>(
  schema: ListSchema<T>,
  all: T[],
  rawQueries: string[],
  search?: string,
): { page: T[]; total: number } => {
  const rules = { ...APPWRITE_RULES, ...schema.rules };
  let limit = 25;
  let offset = 0;
  let cursor: { id: string; after: boolean } | null = null;
  const predicates: ((item: T) => boolean)[] = [];
  const orders: { read: (item: T) => unknown; desc: boolean }[] = [];
  for (const query of rawQueries.map((raw) => parseQuery(raw, invalid))) {
    const { method } = query;
    if (FILTER_METHODS.has(method) && (method !== 'search' || rules.searchQueries))
      predicates.push(filterOf(schema, query));
    else if (ORDER_METHODS.has(method)) {
      const attribute = attributeOf(schema, query.attribute);
      if (!attribute) throw invalid(`Attribute not found in schema: ${query.attribute}`);
      orders.push({ read: attribute.read, desc: method === 'orderDesc' });
    } else if (method === 'limit') limit = pageValue(query, invalid, rules);
    else if (method === 'offset') offset = pageValue(query, invalid, rules);
    else if (method === 'cursorAfter' || method === 'cursorBefore') {
      const id = query.values[0];
      if (typeof id !== 'string' || id === '') throw invalid(rules.emptyCursor);
      cursor = { id, after: method === 'cursorAfter' };
    } else if (!rules.ignoredMethods.includes(method)) throw invalid(`Invalid query method: ${method}`);
  }
  const { searchText } = schema;
  if (search && searchText) {
    const matchesSearch = rules.searchMatch(search);
    predicates.push((item) => matchesSearch(searchText(item)));
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
    if (rules.cursorAmongMatches) {
      const index = items.findIndex((item) => schema.id(item) === id);
      items = index === -1 ? [] : after ? items.slice(index + 1) : items.slice(0, index);
    } else {
      const rank = new Map(sorted.map((item, index) => [item, index]));
      items = items.filter((item) => {
        const place = rank.get(item) ?? 0;
        return after ? place > at : place < at;
      });
    }
    return { page: slicePage(items, offset, limit, !after), total };
  }
  return { page: slicePage(items, offset, limit, false), total };
};
