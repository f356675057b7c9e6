import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { type EmulatorEnv, guard } from '../auth.ts';
import { uniqueId } from '../crypto.ts';
import { AppwriteError, invalidParam } from '../errors.ts';
import { arrayParam, readParams, v, validate } from '../params.ts';
import { grants, parsePermission, rolesOf } from '../permissions.ts';
import type { Row, Table } from '../tablesdb/model.ts';
import { rowModel, runQueries, validateRowData } from '../tablesdb/rows.ts';

/** Finds the table; disabled databases and tables are invisible to everyone but API keys. */
const findTable = (c: Context<EmulatorEnv>): Table => {
  const isKey = c.var.caller.kind === 'key';
  const databaseId = c.req.param('databaseId') ?? '';
  const tableId = c.req.param('tableId') ?? '';
  const database = c.var.project.databases.get(databaseId);
  if (!database || (!database.enabled && !isKey))
    throw new AppwriteError('database_not_found', undefined, databaseId);
  const table = database.tables.get(tableId);
  if (!table || (!table.enabled && !isKey)) throw new AppwriteError('table_not_found', undefined, tableId);
  return table;
};

const callerRoles = (c: Context<EmulatorEnv>) =>
  rolesOf(c.var.project, c.var.caller.kind === 'user' ? c.var.caller.user : null);

/**
 * The rows the caller may read (contract §4.10): an API key reads everything; a table-level
 * `read` grant reads every row; otherwise, with rowSecurity, only rows granting `read` to one of
 * the caller's roles; otherwise 401 user_unauthorized.
 */
const readableRows = (c: Context<EmulatorEnv>, table: Table): Row[] => {
  const rows = [...table.rows.values()];
  const caller = c.var.caller;
  if (caller.kind === 'key') return rows;
  const roles = callerRoles(c);
  if (grants(table.permissions, 'read', roles)) return rows;
  if (!table.rowSecurity) throw new AppwriteError('user_unauthorized');
  return rows.filter((row) => grants(row.permissions, 'read', roles));
};

const READ = guard({ scope: ['rows.read', 'documents.read'] });
const ROW_DATA = z
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

/** TablesDB rows: list (with queries), get and create, with Appwrite's permission model. */
export const tablesRoutes = new Hono<EmulatorEnv>()
  .get('/tablesdb/:databaseId/tables/:tableId/rows', READ, async (c) => {
    const params = await readParams(c);
    const { queries, total } = validate(
      { queries: arrayParam(c, params, 'queries'), total: params.total },
      {
        queries: { schema: v.stringArray(100, 4096), optional: true },
        total: { schema: v.boolean, optional: true },
      },
    );
    const table = findTable(c);
    const result = runQueries(table, readableRows(c, table), queries ?? []);
    return c.json({
      total: total === false ? 0 : result.total,
      rows: result.page.map((row) => rowModel(table, row)),
    });
  })
  .get('/tablesdb/:databaseId/tables/:tableId/rows/:rowId', READ, (c) => {
    const table = findTable(c);
    const rowId = c.req.param('rowId');
    const row = readableRows(c, table).find((candidate) => candidate.id === rowId);
    if (!row) throw new AppwriteError('row_not_found', undefined, rowId);
    return c.json(rowModel(table, row));
  })
  .post(
    '/tablesdb/:databaseId/tables/:tableId/rows',
    guard({
      scope: ['rows.write', 'documents.write'],
      rateLimit: { limit: 120, window: 60, key: 'ip:{ip},method:{method},url:{url},userId:{userId}' },
    }),
    async (c) => {
      const { caller, emulator } = c.var;
      const params = validate(await readParams(c), {
        rowId: { schema: v.customId },
        data: { schema: ROW_DATA },
        permissions: { schema: v.stringArray(100, 256), optional: true },
      });
      const table = findTable(c);
      const roles = callerRoles(c);
      if (caller.kind !== 'key' && !grants(table.permissions, 'create', roles))
        throw new AppwriteError('user_unauthorized');
      for (const permission of params.permissions ?? []) {
        const parsed = parsePermission(permission);
        if (!parsed)
          throw invalidParam(
            'permissions',
            `Permission "${permission}" is not allowed. Must be one of: read, create, update, delete, write.`,
          );
        // A user may only grant permissions to roles it holds itself.
        if (caller.kind !== 'key' && !roles.has(parsed.role)) {
          throw new AppwriteError(
            'user_unauthorized',
            `Permissions must be one of: (${[...roles].map((role) => JSON.stringify(role)).join(', ')})`,
          );
        }
      }
      // Without explicit permissions, Appwrite gives the creating user read, update and delete.
      const permissions =
        params.permissions ??
        (caller.kind === 'user'
          ? ['read', 'update', 'delete'].map((action) => `${action}("user:${caller.user.id}")`)
          : []);
      const now = emulator.clock.now();
      const id = params.rowId === 'unique()' ? uniqueId(now) : params.rowId;
      if (table.rows.has(id)) throw new AppwriteError('row_already_exists', undefined, id);
      const data = validateRowData(table, params.data);
      const row: Row = {
        id,
        sequence: table.nextSequence++,
        createdAt: now,
        updatedAt: now,
        permissions,
        data,
      };
      table.rows.set(id, row);
      return c.json(rowModel(table, row), 201);
    },
  );
