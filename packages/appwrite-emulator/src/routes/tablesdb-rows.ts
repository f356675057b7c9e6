import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard } from '../auth.ts';
import { uniqueId } from '../crypto.ts';
import { AppwriteError, invalidParam } from '../errors.ts';
import { arrayParam, PAGE_SHAPE, readListRequest, readParams, v, validate } from '../params.ts';
import type { Row, Table } from '../tablesdb/model.ts';
import { runQueries } from '../tablesdb/queries.ts';
import { checkUniqueIndexes, rowModel, splitSystemKeys, validateRowData } from '../tablesdb/rows.ts';
import {
  callerRoles,
  checkOwnRoles,
  findTable,
  isKey,
  JSON_OBJECT,
  permissionsParam,
  readableRows,
  rowGrants,
  tableGrants,
  unauthorized,
} from './tablesdb-access.ts';

const READ = guard({ scope: ['rows.read', 'documents.read'] });
const WRITE = guard({
  scope: ['rows.write', 'documents.write'],
  rateLimit: { limit: 120, window: 60, key: 'ip:{ip},method:{method},url:{url},userId:{userId}' },
});
const ROW_PERMISSIONS = ['read', 'update', 'delete', 'write'] as const;
const QUERIES = PAGE_SHAPE.queries;

/** The `$createdAt`/`$updatedAt` an API key may set on a row (Appwrite preserves them). */
const systemDate = (c: Context<EmulatorEnv>, value: unknown): number | null => {
  if (!isKey(c) || typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
};

/** The permissions a new row gets: the given ones, else read/update/delete for the creating user. */
const creationPermissions = (c: Context<EmulatorEnv>, given: string[] | null): string[] => {
  const caller = c.var.caller;
  const permissions =
    given ??
    (caller.kind === 'user'
      ? ['read', 'update', 'delete'].map((action) => `${action}("user:${caller.user.id}")`)
      : []);
  checkOwnRoles(c, permissions);
  return permissions;
};

/** Builds and stores a new row (permissions already checked); 409 when the ID is taken. */
const insertRow = (
  c: Context<EmulatorEnv>,
  table: Table,
  rowId: string,
  data: Record<string, unknown>,
  permissions: string[],
): Row => {
  const now = c.var.emulator.clock.now();
  const id = rowId === 'unique()' ? uniqueId(now) : rowId;
  const { values, system } = splitSystemKeys(data);
  const stored = validateRowData(table, values);
  if (table.rows.has(id)) throw new AppwriteError('row_already_exists', undefined, id);
  checkUniqueIndexes(table, stored, id, id);
  const row: Row = {
    id,
    sequence: table.nextSequence++,
    createdAt: systemDate(c, system.$createdAt) ?? now,
    updatedAt: systemDate(c, system.$updatedAt) ?? now,
    permissions,
    data: stored,
  };
  table.rows.set(id, row);
  return row;
};

/**
 * Applies a partial update: merges `data` over the row, validates the whole row and checks the
 * `update` permission (only `read` when nothing changes, as utopia-php/database does).
 */
const applyUpdate = (
  c: Context<EmulatorEnv>,
  table: Table,
  row: Row,
  data: Record<string, unknown>,
  permissions: string[] | null,
  duplicateId?: string,
): void => {
  const { values, system } = splitSystemKeys(data);
  const merged = validateRowData(table, { ...row.data, ...values });
  const nextPermissions = permissions ?? row.permissions;
  const createdAt = systemDate(c, system.$createdAt);
  const changed =
    JSON.stringify(merged) !== JSON.stringify(row.data) ||
    JSON.stringify(nextPermissions) !== JSON.stringify(row.permissions) ||
    (createdAt !== null && createdAt !== row.createdAt);
  const action = changed ? 'update' : 'read';
  if (!rowGrants(c, table, row, action))
    throw unauthorized(
      action,
      [...table.permissions, ...(table.rowSecurity ? row.permissions : [])],
      callerRoles(c),
    );
  if (!changed) return;
  checkUniqueIndexes(table, merged, row.id, duplicateId);
  row.data = merged;
  row.permissions = nextPermissions;
  row.createdAt = createdAt ?? row.createdAt;
  row.updatedAt = systemDate(c, system.$updatedAt) ?? c.var.emulator.clock.now();
};

const requireKey = (c: Context<EmulatorEnv>): void => {
  if (!isKey(c)) throw new AppwriteError('general_unauthorized_scope');
};

const bulkRows = (value: unknown): Record<string, unknown>[] => {
  const parsed = Array.isArray(value) ? value : undefined;
  const description =
    'Value must a valid array no longer than 1000 items and Value must be a valid JSON string';
  if (!parsed || parsed.length > 1000) throw invalidParam('rows', description);
  return parsed.map((item) => {
    const result = JSON_OBJECT.safeParse(item);
    if (!result.success) throw invalidParam('rows', description);
    return result.data;
  });
};

/** TablesDB rows with Appwrite's permission model, including the API-key bulk routes. */
export const rowRoutes = new Hono<EmulatorEnv>()
  .get('/tablesdb/:databaseId/tables/:tableId/rows', READ, async (c) => {
    const { queries, total } = validate(await readListRequest(c), PAGE_SHAPE);
    const table = findTable(c);
    const result = runQueries(table, readableRows(c, table), queries ?? []);
    return c.json({
      total: total === false ? 0 : result.total,
      rows: result.page.map((row) => rowModel(table, row, result.select)),
    });
  })
  .get('/tablesdb/:databaseId/tables/:tableId/rows/:rowId', READ, async (c) => {
    const params = await readParams(c);
    const { queries } = validate({ queries: arrayParam(c, params, 'queries') }, { queries: QUERIES });
    const table = findTable(c);
    const rowId = c.req.param('rowId');
    const row = table.rows.get(rowId);
    const selection = runQueries(
      table,
      [],
      (queries ?? []).filter((raw) => raw.includes('"select"')),
    );
    // A row the caller may not read is reported missing, never forbidden.
    if (!row || !rowGrants(c, table, row, 'read')) throw new AppwriteError('row_not_found', undefined, rowId);
    return c.json(rowModel(table, row, selection.select));
  })
  .post('/tablesdb/:databaseId/tables/:tableId/rows', WRITE, async (c) => {
    const raw = await readParams(c);
    const params = validate(raw, {
      rowId: { schema: v.customId, optional: true },
      data: { schema: JSON_OBJECT, optional: true },
    });
    const permissions = permissionsParam(raw.permissions, ROW_PERMISSIONS);
    const data = params.data ?? {};
    const many = raw.rows === undefined || raw.rows === null ? [] : bulkRows(raw.rows);
    if (Object.keys(data).length === 0 && many.length === 0) throw new AppwriteError('row_missing_data');
    if (Object.keys(data).length > 0 && many.length > 0)
      throw new AppwriteError(
        'general_bad_request',
        'You can only send one of the following parameters: data, rows',
      );
    if (many.length === 0 && !params.rowId)
      throw new AppwriteError('row_missing_data', 'Row ID is required when creating a single row.');
    if (many.length > 0 && params.rowId)
      throw new AppwriteError(
        'general_bad_request',
        'Param "rowId" is not allowed when creating multiple rows, set "$id" on each instead.',
      );
    if (many.length > 0) requireKey(c);
    const table = findTable(c);
    if (many.length > 0) {
      const created = many.map((item) => {
        const given = permissionsParam(item.$permissions, ROW_PERMISSIONS);
        const id = typeof item.$id === 'string' ? item.$id : 'unique()';
        if (!v.customId.safeParse(id).success)
          throw new AppwriteError('general_bad_request', v.customId.description ?? 'Invalid ID');
        return insertRow(c, table, id, item, given ?? []);
      });
      return c.json({ total: created.length, rows: created.map((row) => rowModel(table, row)) }, 201);
    }
    const finalPermissions = creationPermissions(c, permissions);
    if (!tableGrants(c, table, 'create')) throw unauthorized('create', table.permissions, callerRoles(c));
    const row = insertRow(c, table, params.rowId ?? 'unique()', data, finalPermissions);
    return c.json(rowModel(table, row), 201);
  })
  .patch('/tablesdb/:databaseId/tables/:tableId/rows/:rowId', WRITE, async (c) => {
    const raw = await readParams(c);
    const params = validate(raw, { data: { schema: JSON_OBJECT, optional: true } });
    const permissions = permissionsParam(raw.permissions, ROW_PERMISSIONS);
    const data = params.data ?? {};
    if (Object.keys(data).length === 0 && permissions === null)
      throw new AppwriteError('row_missing_payload');
    const table = findTable(c);
    const row = table.rows.get(c.req.param('rowId'));
    if (!row) throw new AppwriteError('row_not_found', undefined, c.req.param('rowId'));
    if (permissions) checkOwnRoles(c, permissions);
    applyUpdate(c, table, row, data, permissions);
    return c.json(rowModel(table, row));
  })
  .put('/tablesdb/:databaseId/tables/:tableId/rows/:rowId', WRITE, async (c) => {
    const raw = await readParams(c);
    const params = validate(raw, { data: { schema: JSON_OBJECT, optional: true } });
    const permissions = permissionsParam(raw.permissions, ROW_PERMISSIONS);
    const data = params.data ?? {};
    if (Object.keys(data).length === 0 && permissions === null)
      throw new AppwriteError('row_missing_payload');
    const table = findTable(c);
    const rowId = c.req.param('rowId');
    const existing = table.rows.get(rowId);
    if (existing) {
      if (permissions) checkOwnRoles(c, permissions);
      applyUpdate(c, table, existing, data, permissions, rowId);
      return c.json(rowModel(table, existing));
    }
    if (!v.customId.safeParse(rowId).success) throw invalidParam('rowId', v.customId.description ?? '');
    const finalPermissions = creationPermissions(c, permissions);
    if (!tableGrants(c, table, 'create')) throw unauthorized('create', table.permissions, callerRoles(c));
    const row = insertRow(c, table, rowId, data, finalPermissions);
    return c.json(rowModel(table, row));
  })
  .delete('/tablesdb/:databaseId/tables/:tableId/rows/:rowId', WRITE, (c) => {
    const table = findTable(c);
    const rowId = c.req.param('rowId');
    const row = table.rows.get(rowId);
    if (!row) throw new AppwriteError('row_not_found', undefined, rowId);
    if (!rowGrants(c, table, row, 'delete'))
      throw unauthorized(
        'delete',
        [...table.permissions, ...(table.rowSecurity ? row.permissions : [])],
        callerRoles(c),
      );
    table.rows.delete(rowId);
    return c.body(null, 204);
  })
  .put('/tablesdb/:databaseId/tables/:tableId/rows', WRITE, async (c) => {
    requireKey(c);
    const many = bulkRows((await readParams(c)).rows);
    const table = findTable(c);
    const upserted = many.map((item) => {
      const given = permissionsParam(item.$permissions, ROW_PERMISSIONS);
      const id = typeof item.$id === 'string' ? item.$id : uniqueId(c.var.emulator.clock.now());
      const existing = table.rows.get(id);
      if (existing) {
        applyUpdate(c, table, existing, item, given);
        return existing;
      }
      return insertRow(c, table, id, item, given ?? []);
    });
    return c.json({ total: upserted.length, rows: upserted.map((row) => rowModel(table, row)) }, 201);
  })
  .patch('/tablesdb/:databaseId/tables/:tableId/rows', WRITE, async (c) => {
    requireKey(c);
    const raw = await readParams(c);
    const params = validate(
      { data: raw.data, queries: arrayParam(c, raw, 'queries') },
      { data: { schema: JSON_OBJECT, optional: true }, queries: QUERIES },
    );
    const table = findTable(c);
    const matched = runQueries(
      table,
      [...table.rows.values()],
      [...(params.queries ?? []), '{"method":"limit","values":[5000]}'],
    );
    const data = params.data ?? {};
    for (const row of matched.page) applyUpdate(c, table, row, data, null);
    return c.json({ total: matched.page.length, rows: matched.page.map((row) => rowModel(table, row)) });
  })
  .delete('/tablesdb/:databaseId/tables/:tableId/rows', WRITE, async (c) => {
    requireKey(c);
    const raw = await readParams(c);
    const params = validate({ queries: arrayParam(c, raw, 'queries') }, { queries: QUERIES });
    const table = findTable(c);
    const matched = runQueries(
      table,
      [...table.rows.values()],
      [...(params.queries ?? []), '{"method":"limit","values":[5000]}'],
    );
    const answer = matched.page.map((row) => rowModel(table, row));
    for (const row of matched.page) table.rows.delete(row.id);
    return c.json({ total: answer.length, rows: answer });
  });
