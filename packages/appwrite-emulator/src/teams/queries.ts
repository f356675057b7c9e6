/** Appwrite's list queries (`Query.*` JSON strings) over the Teams API's in-memory collections. */
import { AppwriteError, invalidParam } from '../errors.ts';

/** How a list route exposes one collection to queries. */
export interface Collection<T> {
  /** The model's name in Appwrite's cursor error (`Team`, `Membership`). */
  name: string;
  /** Attributes a query may name (Appwrite's `ALLOWED_ATTRIBUTES` plus `$id` and the dates). */
  attributes: Record<string, (item: T) => unknown>;
  id: (item: T) => string;
  /** The words Appwrite indexes for the `search` parameter. */
  searchText: (item: T) => string;
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
]);
const OTHERS = new Set(['limit', 'offset', 'cursorAfter', 'cursorBefore', 'orderAsc', 'orderDesc', 'select']);
/** Largest `limit` and `offset` Appwrite accepts (`APP_LIMIT_COUNT`). */
const MAX_PAGE = 5000;

const invalid = (reason: string) => invalidParam('queries', `Invalid query: ${reason}`);

const parse = (raw: string): Query => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalid(`Syntax error`);
  }
  const query = value as Partial<Query> | null;
  if (typeof query !== 'object' || query === null || typeof query.method !== 'string')
    throw invalid('Syntax error');
  if (query.values !== undefined && !Array.isArray(query.values)) throw invalid('Syntax error');
  return { method: query.method, attribute: query.attribute ?? '', values: query.values ?? [] };
};

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
};

const matches = (query: Query, value: unknown): boolean => {
  const [first, second] = query.values;
  const list = Array.isArray(value) ? value : [value];
  switch (query.method) {
    case 'equal':
      return list.some((item) => query.values.includes(item));
    case 'notEqual':
      return !list.some((item) => query.values.includes(item));
    case 'contains':
      return list.some((item) =>
        query.values.some((wanted) =>
          typeof item === 'string' && typeof wanted === 'string' && !Array.isArray(value)
            ? item.includes(wanted)
            : item === wanted,
        ),
      );
    case 'lessThan':
      return value !== null && compare(value, first) < 0;
    case 'lessThanEqual':
      return value !== null && compare(value, first) <= 0;
    case 'greaterThan':
      return value !== null && compare(value, first) > 0;
    case 'greaterThanEqual':
      return value !== null && compare(value, first) >= 0;
    case 'between':
      return value !== null && compare(value, first) >= 0 && compare(value, second) <= 0;
    case 'isNull':
      return value === null || value === undefined;
    case 'isNotNull':
      return value !== null && value !== undefined;
    case 'startsWith':
      return typeof value === 'string' && value.startsWith(String(first));
    case 'endsWith':
      return typeof value === 'string' && value.endsWith(String(first));
    default:
      return false;
  }
};

/**
 * Appwrite's full-text `search` as MariaDB runs it in boolean mode: the term's words, the last one
 * as a prefix, any of them matching a word of the indexed text.
 */
export const searchMatches = (text: string, term: string): boolean => {
  const words = term
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.@-]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words.length === 0) return true;
  const indexed = text.toLowerCase().split(/[^\p{L}\p{N}_]+/u);
  return words.some((word, index) => {
    const parts = word.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
    return parts.some((part) =>
      index === words.length - 1
        ? indexed.some((candidate) => candidate.startsWith(part))
        : indexed.includes(part),
    );
  });
};

const pageValue = (query: Query): number => {
  const n = query.values[0];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
    throw invalid(`${query.method === 'limit' ? 'Limit' : 'Offset'} must be between 0 and ${MAX_PAGE}`);
  }
  return n;
};

/**
 * Runs a list request: filters, `search`, order (creation order by default), cursor and page.
 * `total` counts every match regardless of the page, as Appwrite's count does. A malformed query
 * or one naming an attribute the collection does not allow is a 400 `Invalid \`queries\` param`; a
 * cursor naming a missing item is 400 general_cursor_not_found.
 */
export const runList = <T>(
  collection: Collection<T>,
  all: T[],
  rawQueries: string[],
  search: string | undefined,
): { page: T[]; total: number } => {
  const queries = rawQueries.map(parse);
  let limit = 25;
  let offset = 0;
  let cursor: { id: string; after: boolean } | null = null;
  const orders: { read: (item: T) => unknown; desc: boolean }[] = [];
  let items = all;
  for (const query of queries) {
    if (!FILTERS.has(query.method) && !OTHERS.has(query.method))
      throw invalid(`Invalid query method: ${query.method}`);
    const needsAttribute =
      FILTERS.has(query.method) || query.method === 'orderAsc' || query.method === 'orderDesc';
    // Own keys only: `__proto__` or `constructor` is an unknown attribute, not Object.prototype's.
    const read = Object.hasOwn(collection.attributes, query.attribute)
      ? collection.attributes[query.attribute]
      : undefined;
    if (needsAttribute && !read) throw invalid(`Attribute not found in schema: ${query.attribute}`);
    if (read && FILTERS.has(query.method)) items = items.filter((item) => matches(query, read(item)));
    else if (read) orders.push({ read, desc: query.method === 'orderDesc' });
    else if (query.method === 'limit') limit = pageValue(query);
    else if (query.method === 'offset') offset = pageValue(query);
    else if (query.method === 'cursorAfter' || query.method === 'cursorBefore') {
      const id = query.values[0];
      if (typeof id !== 'string' || id === '') throw invalid('Cursor must contain at least one value');
      cursor = { id, after: query.method === 'cursorAfter' };
    }
  }
  if (search) items = items.filter((item) => searchMatches(collection.searchText(item), search));
  if (orders.length > 0) {
    items = [...items].sort((a, b) => {
      for (const { read, desc } of orders) {
        const order = compare(read(a), read(b));
        if (order !== 0) return desc ? -order : order;
      }
      return 0;
    });
  }
  const total = items.length;
  if (cursor) {
    const { id, after } = cursor;
    if (!all.some((item) => collection.id(item) === id)) {
      throw new AppwriteError(
        'general_cursor_not_found',
        `${collection.name} '${id}' for the 'cursor' value not found.`,
      );
    }
    const index = items.findIndex((item) => collection.id(item) === id);
    if (index === -1) items = [];
    else if (after) items = items.slice(index + 1);
    else {
      const before = items.slice(0, index);
      items = before.slice(Math.max(0, before.length - offset - limit), before.length - offset);
      return { page: items, total };
    }
  }
  return { page: items.slice(offset, offset + limit), total };
};
