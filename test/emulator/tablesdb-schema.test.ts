import { ID, Permission, Query, Role, TablesDB } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator TablesDB databases, tables, columns and indexes (node-appwrite)', () => {
  const t = useEmulator('http');
  const db = () => new TablesDB(t.admin());

  const setup = async () => {
    const database = await db().create({ databaseId: 'shop', name: 'Shop' });
    const table = await db().createTable({
      databaseId: 'shop',
      tableId: 'items',
      name: 'Items',
      permissions: [Permission.read(Role.any()), Permission.write(Role.users())],
      rowSecurity: true,
    });
    return { database, table };
  };

  it('creates, lists, gets, updates and deletes a database', async () => {
    const { database } = await setup();
    expectModel('database', database);
    expect(database).toMatchObject({ $id: 'shop', name: 'Shop', enabled: true, type: 'tablesdb' });
    const list = await db().list({ queries: [Query.equal('name', 'Shop')] });
    expectModel('databaseList', list);
    expect(list.databases.map((d) => d.$id)).toEqual(['shop']);
    expect((await db().list({ search: 'dem' })).databases.map((d) => d.name)).toEqual(['Demo']);
    expect((await db().list({ total: false })).total).toBe(0);
    const updated = await db().update({ databaseId: 'shop', name: 'Store', enabled: false });
    expectModel('database', updated);
    expect(updated).toMatchObject({ name: 'Store', enabled: false });
    expectModel('database', await db().get({ databaseId: 'shop' }));
    await expectAppwriteError(db().create({ databaseId: 'shop', name: 'x' }), 409, 'database_already_exists');
    await db().delete({ databaseId: 'shop' });
    const missing = await expectAppwriteError(db().get({ databaseId: 'shop' }), 404, 'database_not_found');
    expect(missing.message).toBe("Database with the requested ID 'shop' could not be found.");
  });

  it('refuses database routes to sessions (401 general_unauthorized_scope)', async () => {
    const session = await t.login('a');
    await expectAppwriteError(
      new TablesDB(t.withSession(session.secret)).list(),
      401,
      'general_unauthorized_scope',
    );
  });

  it('creates a table with permissions, rowSecurity and enabled, expanding write()', async () => {
    const { table } = await setup();
    expectModel('table', table);
    expect(table).toMatchObject({
      $id: 'items',
      databaseId: 'shop',
      rowSecurity: true,
      enabled: true,
      columns: [],
      indexes: [],
      $permissions: ['read("any")', 'create("users")', 'update("users")', 'delete("users")'],
    });
    const list = await db().listTables({ databaseId: 'shop' });
    expectModel('tableList', list);
    expect(list.total).toBe(1);
    const updated = await db().updateTable({
      databaseId: 'shop',
      tableId: 'items',
      name: 'Things',
      enabled: false,
    });
    expectModel('table', updated);
    expect(updated).toMatchObject({ name: 'Things', enabled: false, rowSecurity: true });
    expect(updated.$permissions).toHaveLength(4);
    await expectAppwriteError(
      db().createTable({ databaseId: 'shop', tableId: 'items', name: 'x' }),
      409,
      'table_already_exists',
    );
    const bad = await expectAppwriteError(
      db().createTable({ databaseId: 'shop', tableId: 'x', name: 'x', permissions: ['read(any)'] }),
      400,
      'general_argument_invalid',
    );
    expect(bad.message).toContain('Invalid `permissions` param');
    await db().deleteTable({ databaseId: 'shop', tableId: 'items' });
    await expectAppwriteError(
      db().getTable({ databaseId: 'shop', tableId: 'items' }),
      404,
      'table_not_found',
    );
  });

  it('answers 202 processing on column create, then available on get', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    const created = await db().createStringColumn({ ...ids, key: 'title', size: 64, required: true });
    expectModel('columnString', created);
    expect(created).toMatchObject({
      key: 'title',
      type: 'string',
      size: 64,
      required: true,
      status: 'processing',
    });
    const got = await db().getColumn({ ...ids, key: 'title' });
    expectModel('columnString', got);
    expect(got.status).toBe('available');
    const response = await t.raw('/tablesdb/shop/tables/items/columns/boolean', {
      method: 'POST',
      headers: { 'x-appwrite-key': 'demo-api-key', 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'flag', required: false, default: true }),
    });
    expect(response.status).toBe(202);
    expectModel('columnBoolean', await response.json());
  });

  it.each([
    [
      'integer',
      'columnInteger',
      (d: TablesDB) =>
        d.createIntegerColumn({
          databaseId: 'shop',
          tableId: 'items',
          key: 'n',
          required: false,
          min: 0,
          max: 10,
          xdefault: 5,
        }),
      { min: 0, max: 10, default: 5 },
    ],
    [
      'float',
      'columnFloat',
      (d: TablesDB) =>
        d.createFloatColumn({
          databaseId: 'shop',
          tableId: 'items',
          key: 'n',
          required: false,
          min: 0.5,
          max: 2.5,
        }),
      { min: 0.5, max: 2.5, default: null },
    ],
    [
      'email',
      'columnEmail',
      (d: TablesDB) =>
        d.createEmailColumn({
          databaseId: 'shop',
          tableId: 'items',
          key: 'n',
          required: false,
          xdefault: 'a@b.co',
        }),
      { format: 'email', type: 'string', default: 'a@b.co' },
    ],
    [
      'enum',
      'columnEnum',
      (d: TablesDB) =>
        d.createEnumColumn({
          databaseId: 'shop',
          tableId: 'items',
          key: 'n',
          elements: ['s', 'm'],
          required: false,
          xdefault: 'm',
        }),
      { elements: ['s', 'm'], format: 'enum' },
    ],
    [
      'url',
      'columnUrl',
      (d: TablesDB) => d.createUrlColumn({ databaseId: 'shop', tableId: 'items', key: 'n', required: false }),
      { format: 'url' },
    ],
    [
      'ip',
      'columnIp',
      (d: TablesDB) =>
        d.createIpColumn({ databaseId: 'shop', tableId: 'items', key: 'n', required: false, array: true }),
      { format: 'ip', array: true },
    ],
    [
      'datetime',
      'columnDatetime',
      (d: TablesDB) =>
        d.createDatetimeColumn({
          databaseId: 'shop',
          tableId: 'items',
          key: 'n',
          required: false,
          xdefault: '2020-01-01',
        }),
      { format: 'datetime', default: '2020-01-01T00:00:00.000+00:00' },
    ],
  ] as const)('creates a %s column', async (_, model, make, expected) => {
    await setup();
    const column = await make(db());
    expectModel(model, column);
    expect(column).toMatchObject({ key: 'n', status: 'processing', ...expected });
    const list = await db().listColumns({ databaseId: 'shop', tableId: 'items' });
    expectModel('columnList', list);
    expect(list.total).toBe(1);
  });

  it('refuses defaults on required and array columns, duplicates and unknown columns', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    const required = await expectAppwriteError(
      db().createStringColumn({ ...ids, key: 's', size: 5, required: true, xdefault: 'x' }),
      400,
      'column_default_unsupported',
    );
    expect(required.message).toBe('Cannot set default value for required column');
    await expectAppwriteError(
      db().createIntegerColumn({ ...ids, key: 'i', required: false, array: true, xdefault: 1 }),
      400,
      'column_default_unsupported',
    );
    await expectAppwriteError(
      db().createIntegerColumn({ ...ids, key: 'i', required: false, min: 5, max: 1 }),
      400,
      'column_value_invalid',
    );
    await db().createStringColumn({ ...ids, key: 's', size: 5, required: false });
    const dup = await expectAppwriteError(
      db().createStringColumn({ ...ids, key: 's', size: 5, required: false }),
      409,
      'column_already_exists',
    );
    expect(dup.message).toContain("'s'");
    await expectAppwriteError(db().getColumn({ ...ids, key: 'nope' }), 404, 'column_not_found');
  });

  it('updates a column (default, size, newKey) and deletes it', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    await db().createStringColumn({ ...ids, key: 's', size: 5, required: false });
    const updated = await db().updateStringColumn({
      ...ids,
      key: 's',
      required: false,
      xdefault: 'hey',
      size: 10,
      newKey: 't',
    });
    expectModel('columnString', updated);
    expect(updated).toMatchObject({ key: 't', size: 10, default: 'hey', status: 'available' });
    await expectAppwriteError(
      db().updateIntegerColumn({ ...ids, key: 't', required: false, xdefault: null as never }),
      400,
      'column_type_invalid',
    );
    await db().deleteColumn({ ...ids, key: 't' });
    await expectAppwriteError(db().getColumn({ ...ids, key: 't' }), 404, 'column_not_found');
  });

  it('adds a column to a table with rows: existing rows take its default', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    await db().createStringColumn({ ...ids, key: 'title', size: 20, required: false });
    await db().createRow({ ...ids, rowId: 'r1', data: { title: 'a' } });
    await db().createIntegerColumn({ ...ids, key: 'stock', required: false, xdefault: 3 });
    expect((await db().getRow({ ...ids, rowId: 'r1' })).stock).toBe(3);
  });

  it('reads row data by own keys only: a column named like an Object.prototype member works', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    await db().createStringColumn({ ...ids, key: 'valueOf', size: 20, required: false });
    await db().createStringColumn({ ...ids, key: 'title', size: 20, required: false });
    const row = await db().createRow({ ...ids, rowId: 'r1', data: { title: 'a' } });
    expect(row).toMatchObject({ title: 'a', valueOf: null });
  });

  it('pages after a cursor the filters exclude, by its place in the whole list', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    for (const key of ['a', 'b', 'c', 'd'])
      await db().createStringColumn({ ...ids, key, size: 8, required: false });
    const after = await db().listColumns({
      ...ids,
      queries: [Query.notEqual('key', 'b'), Query.cursorAfter('b')],
    });
    expect(after.columns.map((column) => column.key)).toEqual(['c', 'd']);
    const before = await db().listColumns({
      ...ids,
      queries: [Query.notEqual('key', 'b'), Query.cursorBefore('b')],
    });
    expect(before.columns.map((column) => column.key)).toEqual(['a']);
  });

  it('creates key, unique and fulltext indexes with the processing → available lifecycle', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    await db().createStringColumn({ ...ids, key: 'title', size: 64, required: false });
    await db().createStringColumn({ ...ids, key: 'tags', size: 8, required: false, array: true });
    const index = await db().createIndex({
      ...ids,
      key: 'ft',
      type: 'fulltext' as never,
      columns: ['title'],
    });
    expectModel('columnIndex', index);
    expect(index).toMatchObject({ key: 'ft', type: 'fulltext', status: 'processing', columns: ['title'] });
    const got = await db().getIndex({ ...ids, key: 'ft' });
    expectModel('columnIndex', got);
    expect(got.status).toBe('available');
    const list = await db().listIndexes(ids);
    expectModel('columnIndexList', list);
    expect(list.total).toBe(1);
    await expectAppwriteError(
      db().createIndex({ ...ids, key: 'ft', type: 'key' as never, columns: ['title'] }),
      409,
      'column_index_already_exists',
    );
    await expectAppwriteError(
      db().createIndex({ ...ids, key: 'x', type: 'key' as never, columns: ['nope'] }),
      400,
      'column_unknown',
    );
    await expectAppwriteError(
      db().createIndex({ ...ids, key: 'x', type: 'key' as never, columns: ['tags'] }),
      400,
      'index_invalid',
    );
    await db().deleteIndex({ ...ids, key: 'ft' });
    await expectAppwriteError(db().getIndex({ ...ids, key: 'ft' }), 404, 'column_index_not_found');
  });

  it('enforces a unique index on row writes with 409 row_already_exists', async () => {
    await setup();
    const ids = { databaseId: 'shop', tableId: 'items' };
    await db().createStringColumn({ ...ids, key: 'sku', size: 16, required: false });
    await db().createIndex({ ...ids, key: 'u', type: 'unique' as never, columns: ['sku'] });
    await db().createRow({ ...ids, rowId: 'a', data: { sku: 'X1' } });
    await expectAppwriteError(
      db().createRow({ ...ids, rowId: ID.unique(), data: { sku: 'X1' } }),
      409,
      'row_already_exists',
    );
    await db().createRow({ ...ids, rowId: 'b', data: { sku: 'X2' } });
    await expectAppwriteError(
      db().updateRow({ ...ids, rowId: 'b', data: { sku: 'X1' } }),
      409,
      'row_already_exists',
    );
  });
});
