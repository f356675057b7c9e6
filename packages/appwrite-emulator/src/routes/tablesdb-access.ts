import type { Context } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../auth.ts';
import { AppwriteError, invalidParam } from '../errors.ts';
import { pageValue, slicePage } from '../list-queries.ts';
import { type Action, grants, parsePermission, rolesOf } from '../permissions.ts';
import type { Database, Row, Table } from '../tablesdb/model.ts';
import { parseQuery, queryError } from '../tablesdb/queries.ts';

export const isKey = (c: Context<EmulatorEnv>): boolean => c.var.caller.kind === 'key';

/** Finds the database; a disabled one is invisible to everyone but API keys. */
export const findDatabase = (c: Context<EmulatorEnv>): Database => {
  const databaseId = c.req.param('databaseId') ?? '';
  const database = c.var.project.databases.get(databaseId);
  if (!database || (!database.enabled && !isKey(c)))
    throw new AppwriteError('database_not_found', undefined, databaseId);
  return database;
};

/** Finds the table; disabled databases and tables are invisible to everyone but API keys. */
export const findTable = (c: Context<EmulatorEnv>): Table => {
  const database = findDatabase(c);
  const tableId = c.req.param('tableId') ?? '';
  const table = database.tables.get(tableId);
  if (!table || (!table.enabled && !isKey(c))) throw new AppwriteError('table_not_found', undefined, tableId);
  return table;
};

export const callerRoles = (c: Context<EmulatorEnv>): Set<string> =>
  rolesOf(c.var.project, c.var.caller.kind === 'user' ? c.var.caller.user : null);

// Appwrite lists a caller's roles in this order: any, then users/guests, the user, statuses, teams, labels.
const roleRank = (role: string): number => {
  if (role === 'any') return 0;
  if (role === 'guests' || role === 'users') return 1;
  if (role.startsWith('user:') && !role.includes('/')) return 2;
  if (role.startsWith('users/')) return 3;
  if (role.startsWith('user:')) return 4;
  if (role.startsWith('team:') || role.startsWith('member:')) return 5;
  return 6;
};

/** The caller's roles in Appwrite's order, as its authorization messages print them. */
export const orderedRoles = (roles: Set<string>): string[] =>
  [...roles].sort((a, b) => roleRank(a) - roleRank(b));

/**
 * utopia-php/database's authorization failure: `No permissions provided for action 'x'` when the
 * list is empty, else which role was missing.
 */
export const unauthorized = (
  action: Action,
  permissions: readonly string[],
  roles: Set<string>,
): AppwriteError => {
  const granted = permissions
    .map((permission) => parsePermission(permission))
    .filter(
      (parsed) =>
        parsed !== null && (parsed.action === action || (parsed.action === 'write' && action !== 'read')),
    )
    .map((parsed) => parsed?.role ?? '');
  if (granted.length === 0)
    return new AppwriteError('user_unauthorized', `No permissions provided for action '${action}'`);
  return new AppwriteError(
    'user_unauthorized',
    `Missing "${action}" permission for role "${granted.at(-1)}". Only "${JSON.stringify(orderedRoles(roles))}" scopes are allowed and "${JSON.stringify(granted)}" was given.`,
  );
};

/** Whether the caller may do `action` on the table as a whole (API keys always may). */
export const tableGrants = (c: Context<EmulatorEnv>, table: Table, action: Action): boolean =>
  isKey(c) || grants(table.permissions, action, callerRoles(c));

/** Whether the caller may do `action` on a row: a table-level grant, or a row grant with rowSecurity. */
export const rowGrants = (c: Context<EmulatorEnv>, table: Table, row: Row, action: Action): boolean =>
  tableGrants(c, table, action) || (table.rowSecurity && grants(row.permissions, action, callerRoles(c)));

/**
 * The rows the caller may read (contract §4.10): an API key reads everything; a table-level
 * `read` grant reads every row; otherwise, with rowSecurity, only rows granting `read` to one of
 * the caller's roles; otherwise 401 user_unauthorized.
 */
export const readableRows = (c: Context<EmulatorEnv>, table: Table): Row[] => {
  const rows = [...table.rows.values()];
  if (tableGrants(c, table, 'read')) return rows;
  if (!table.rowSecurity) throw unauthorized('read', table.permissions, callerRoles(c));
  const roles = callerRoles(c);
  return rows.filter((row) => grants(row.permissions, 'read', roles));
};

const PERMISSION_ACTIONS = ['read', 'create', 'update', 'delete', 'write'] as const;

/**
 * Validates a `permissions` parameter (Appwrite's Permissions validator, limited to `allowed`
 * actions) and expands `write` into the actions it stands for (`Permission::aggregate`).
 * Duplicates are dropped. Returns null when the parameter was not sent.
 */
export const permissionsParam = (
  value: unknown,
  allowed: readonly (typeof PERMISSION_ACTIONS)[number][],
): string[] | null => {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length > 100 || value.some((item) => typeof item !== 'string'))
    throw invalidParam('permissions', 'Permissions must be an array of strings.');
  const expanded: string[] = [];
  for (const permission of value as string[]) {
    const parsed = parsePermission(permission);
    if (!parsed)
      throw invalidParam(
        'permissions',
        `Permissions must be of the form "method(permission:id?/dimension?)", got "${permission}".`,
      );
    if (!allowed.includes(parsed.action as (typeof PERMISSION_ACTIONS)[number]))
      throw invalidParam(
        'permissions',
        `Permission "${permission}" is not allowed. Must be one of: ${allowed.join(', ')}.`,
      );
    const actions =
      parsed.action === 'write'
        ? allowed.filter((action) => action !== 'read' && action !== 'write')
        : [parsed.action];
    for (const action of actions) expanded.push(`${action}("${parsed.role}")`);
  }
  return [...new Set(expanded)];
};

/**
 * A user may only hand out permissions to roles it holds itself (API keys may grant any):
 * 401 user_unauthorized otherwise.
 */
export const checkOwnRoles = (c: Context<EmulatorEnv>, permissions: readonly string[]): void => {
  if (isKey(c)) return;
  const roles = callerRoles(c);
  for (const permission of permissions) {
    const parsed = parsePermission(permission);
    if (parsed && !roles.has(parsed.role))
      throw new AppwriteError(
        'user_unauthorized',
        `Permissions must be one of: (${orderedRoles(roles).join(', ')})`,
      );
  }
};

/** Parses a JSON-object parameter (`data`): an object, or a string holding one. */
export const JSON_OBJECT = z
  .union([
    z.record(z.string(), z.unknown()),
    z.string().transform((text, ctx) => {
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'not a JSON object' });
      return z.NEVER;
    }),
  ])
  .describe('Value must be a valid JSON string');

/**
 * Runs the list queries of the schema routes (databases, tables, columns, indexes): filters on
 * the `allowed` attributes, orders, limit, offset and cursors; `total` counts before paging.
 */
export const listWithQueries = <T>(
  items: T[],
  rawQueries: string[],
  allowed: readonly string[],
  read: (item: T, attribute: string) => unknown,
  idOf: (item: T) => string,
  kind: string,
): { total: number; page: T[] } => {
  let limit = 25;
  let offset = 0;
  let cursor: { after: boolean; id: string } | null = null;
  const filters: ((item: T) => boolean)[] = [];
  const orders: { attribute: string; direction: number }[] = [];
  for (const raw of rawQueries) {
    const query = parseQuery(raw);
    const values = query.values ?? [];
    const attribute = query.attribute ?? '';
    switch (query.method) {
      case 'limit':
        limit = pageValue(query, queryError);
        break;
      case 'offset':
        offset = pageValue(query, queryError);
        break;
      case 'cursorAfter':
      case 'cursorBefore':
        if (typeof values[0] !== 'string') throw queryError('Cursor must be a string');
        cursor = { after: query.method === 'cursorAfter', id: values[0] };
        break;
      case 'orderAsc':
      case 'orderDesc':
        if (attribute && !allowed.includes(attribute))
          throw queryError(`Attribute not found in schema: ${attribute}`);
        orders.push({ attribute, direction: query.method === 'orderAsc' ? 1 : -1 });
        break;
      case 'equal':
      case 'notEqual':
      case 'startsWith':
      case 'endsWith':
      case 'contains': {
        if (!allowed.includes(attribute)) throw queryError(`Attribute not found in schema: ${attribute}`);
        if (values.length === 0) throw queryError(`${query.method} queries require at least one value.`);
        const method = query.method;
        filters.push((item) => {
          const actual = read(item, attribute);
          const text = String(actual);
          switch (method) {
            case 'equal':
              return values.includes(actual);
            case 'notEqual':
              return !values.includes(actual);
            case 'startsWith':
              return values.some((v) => text.startsWith(String(v)));
            case 'endsWith':
              return values.some((v) => text.endsWith(String(v)));
            default:
              return values.some((v) => text.includes(String(v)));
          }
        });
        break;
      }
      default:
        throw queryError(`Invalid query method: ${query.method}`);
    }
  }
  const ordered = (list: T[]): T[] => {
    for (const { attribute, direction } of [...orders].reverse()) {
      if (!attribute) continue;
      list.sort((a, b) => {
        const x = read(a, attribute) as string;
        const y = read(b, attribute) as string;
        return x === y ? 0 : (x < y ? -1 : 1) * direction;
      });
    }
    return list;
  };
  const matched = ordered(items.filter((item) => filters.every((filter) => filter(item))));
  let window = matched;
  if (cursor) {
    const position = items.findIndex((item) => idOf(item) === cursor?.id);
    if (position < 0)
      throw new AppwriteError(
        'general_cursor_not_found',
        `${kind} '${cursor.id}' for the 'cursor' value not found.`,
      );
    // The cursor's place in the whole ordered list, so a cursor the filters exclude still counts.
    const rank = new Map(ordered([...items]).map((item, index) => [item, index]));
    const cursorRank = rank.get(items[position] as T) ?? -1;
    window = matched.filter((item) => {
      const itemRank = rank.get(item) ?? -1;
      return cursor?.after ? itemRank > cursorRank : itemRank < cursorRank;
    });
  }
  return { total: matched.length, page: slicePage(window, offset, limit, cursor !== null && !cursor.after) };
};

/** Appwrite's `search` parameter on list routes: a case-insensitive match on name or ID. */
export const matchesSearch = (search: string | undefined, ...fields: string[]): boolean =>
  !search || fields.some((field) => field.toLowerCase().includes(search.toLowerCase()));
