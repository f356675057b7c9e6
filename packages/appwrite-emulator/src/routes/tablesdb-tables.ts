import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard } from '../auth.ts';
import { formatDate } from '../clock.ts';
import { uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { LIST_SHAPE, readListRequest, readParams, v, validate } from '../params.ts';
import { columnModel, indexModel } from '../tablesdb/columns.ts';
import type { Table } from '../tablesdb/model.ts';
import { findDatabase, listWithQueries, matchesSearch, permissionsParam } from './tablesdb-access.ts';

/** The Table model, with its columns and indexes. */
export const tableModel = (table: Table): Record<string, unknown> => ({
  $id: table.id,
  $createdAt: formatDate(table.createdAt),
  $updatedAt: formatDate(table.updatedAt),
  $permissions: [...table.permissions],
  databaseId: table.databaseId,
  name: table.name,
  enabled: table.enabled,
  rowSecurity: table.rowSecurity,
  columns: table.columns.map((column) => columnModel(column)),
  indexes: table.indexes.map((index) => indexModel(index)),
  bytesMax: 0,
  bytesUsed: 0,
});

export const TABLES_READ = guard({ scope: ['tables.read', 'collections.read'] });
export const TABLES_WRITE = guard({ scope: ['tables.write', 'collections.write'] });

const TABLE_PERMISSIONS = ['read', 'create', 'update', 'delete', 'write'] as const;

/** Finds a table for the schema routes. */
export const getTable = (c: Context<EmulatorEnv>): Table => {
  const database = findDatabase(c);
  const tableId = c.req.param('tableId') ?? '';
  const table = database.tables.get(tableId);
  if (!table) throw new AppwriteError('table_not_found', undefined, tableId);
  return table;
};

/** TablesDB tables: create, list, get, update and delete (API keys with `tables.*`). */
export const tableRoutes = new Hono<EmulatorEnv>()
  .post('/tablesdb/:databaseId/tables', TABLES_WRITE, async (c) => {
    const raw = await readParams(c);
    const params = validate(raw, {
      tableId: { schema: v.customId },
      name: { schema: v.text(128) },
      rowSecurity: { schema: v.boolean, optional: true },
      enabled: { schema: v.boolean, optional: true },
    });
    const permissions = permissionsParam(raw.permissions, TABLE_PERMISSIONS) ?? [];
    const database = findDatabase(c);
    const now = c.var.emulator.clock.now();
    const id = params.tableId === 'unique()' ? uniqueId(now) : params.tableId;
    if (database.tables.has(id)) throw new AppwriteError('table_already_exists', undefined, id);
    const table: Table = {
      id,
      databaseId: database.id,
      name: params.name,
      enabled: params.enabled ?? true,
      rowSecurity: params.rowSecurity ?? false,
      permissions,
      columns: [],
      indexes: [],
      rows: new Map(),
      nextSequence: 1,
      createdAt: now,
      updatedAt: now,
    };
    database.tables.set(id, table);
    return c.json(tableModel(table), 201);
  })
  .get('/tablesdb/:databaseId/tables', TABLES_READ, async (c) => {
    const { queries, search, total } = validate(await readListRequest(c), LIST_SHAPE);
    const database = findDatabase(c);
    const tables = [...database.tables.values()].filter((table) =>
      matchesSearch(search, table.id, table.name),
    );
    const result = listWithQueries(
      tables,
      queries ?? [],
      ['name', 'enabled', 'rowSecurity', '$id', '$createdAt', '$updatedAt'],
      (table, attribute) => tableModel(table)[attribute],
      (table) => table.id,
      'Table',
    );
    return c.json({ total: total === false ? 0 : result.total, tables: result.page.map(tableModel) });
  })
  .get('/tablesdb/:databaseId/tables/:tableId', TABLES_READ, (c) => c.json(tableModel(getTable(c))))
  .put('/tablesdb/:databaseId/tables/:tableId', TABLES_WRITE, async (c) => {
    const raw = await readParams(c);
    const params = validate(raw, {
      name: { schema: v.text(128), optional: true },
      rowSecurity: { schema: v.boolean, optional: true },
      enabled: { schema: v.boolean, optional: true },
      purge: { schema: v.boolean, optional: true },
    });
    const permissions = permissionsParam(raw.permissions, TABLE_PERMISSIONS);
    const table = getTable(c);
    table.name = params.name ?? table.name;
    table.rowSecurity = params.rowSecurity ?? table.rowSecurity;
    table.enabled = params.enabled ?? table.enabled;
    table.permissions = permissions ?? table.permissions;
    table.updatedAt = c.var.emulator.clock.now();
    return c.json(tableModel(table));
  })
  .delete('/tablesdb/:databaseId/tables/:tableId', TABLES_WRITE, (c) => {
    const table = getTable(c);
    findDatabase(c).tables.delete(table.id);
    return c.body(null, 204);
  });
