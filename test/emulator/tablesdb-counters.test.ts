import { Permission, Role, TablesDB } from 'node-appwrite';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

const ids = { databaseId: 'shop', tableId: 'stock' };

describe('emulator TablesDB increment/decrement row column (node-appwrite)', () => {
  const t = useEmulator('http');
  const admin = () => new TablesDB(t.admin());

  beforeEach(async () => {
    await admin().create({ databaseId: 'shop', name: 'Shop' });
    await admin().createTable({
      ...ids,
      name: 'Stock',
      permissions: [Permission.read(Role.users())],
      rowSecurity: true,
    });
    await admin().createIntegerColumn({ ...ids, key: 'count', required: false });
    await admin().createFloatColumn({ ...ids, key: 'weight', required: false });
    await admin().createStringColumn({ ...ids, key: 'name', size: 32, required: false });
    await admin().createIntegerColumn({ ...ids, key: 'sizes', required: false, array: true });
    await admin().createRow({
      ...ids,
      rowId: 'apples',
      data: { count: 5, weight: 1.5, name: 'Apples', sizes: [1] },
      permissions: [Permission.read(Role.user('user-a')), Permission.update(Role.user('user-a'))],
    });
  });

  it('increments by 1 by default and by `value`, stores the result and answers the Row model', async () => {
    const once = await admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'count' });
    expectModel('row', once);
    expect(once.count).toBe(6);
    expect(once.$id).toBe('apples');
    expect(once.$tableId).toBe('stock');
    expect(once.$databaseId).toBe('shop');
    const more = await admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'count', value: 4 });
    expect(more.count).toBe(10);
    expect((await admin().getRow({ ...ids, rowId: 'apples' })).count).toBe(10);
  });

  it('decrements, with floats too', async () => {
    const row = await admin().decrementRowColumn({ ...ids, rowId: 'apples', column: 'count', value: 2 });
    expectModel('row', row);
    expect(row.count).toBe(3);
    const heavier = await admin().incrementRowColumn({
      ...ids,
      rowId: 'apples',
      column: 'weight',
      value: 0.25,
    });
    expect(heavier.weight).toBe(1.75);
  });

  it('stops at `max` and `min` with column_limit_exceeded and leaves the value alone', async () => {
    const up = await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'count', value: 6, max: 10 }),
      400,
      'column_limit_exceeded',
    );
    expect(up.message).toBe('tablesDB "count" has reached the maximum value of 10');
    const down = await expectAppwriteError(
      admin().decrementRowColumn({ ...ids, rowId: 'apples', column: 'count', value: 6, min: 0 }),
      400,
      'column_limit_exceeded',
    );
    expect(down.message).toBe('tablesDB "count" has reached the minimum value of 0');
    expect((await admin().getRow({ ...ids, rowId: 'apples' })).count).toBe(5);
    // Reaching the bound exactly is allowed.
    const top = await admin().incrementRowColumn({
      ...ids,
      rowId: 'apples',
      column: 'count',
      value: 5,
      max: 10,
    });
    expect(top.count).toBe(10);
    const bottom = await admin().decrementRowColumn({
      ...ids,
      rowId: 'apples',
      column: 'count',
      value: 10,
      min: 0,
    });
    expect(bottom.count).toBe(0);
  });

  it('refuses a value that is not positive, a non-number column and unknown columns or rows', async () => {
    const zero = await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'count', value: 0 }),
      400,
      'general_argument_invalid',
    );
    expect(zero.message).toBe('Value must be numeric and greater than 0');
    await expectAppwriteError(
      admin().decrementRowColumn({ ...ids, rowId: 'apples', column: 'count', value: -1 }),
      400,
      'general_argument_invalid',
    );
    const text = await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'name' }),
      400,
      'attribute_type_invalid',
    );
    expect(text.message).toBe('tablesDB "name" is not a number');
    await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'sizes' }),
      400,
      'attribute_type_invalid',
    );
    await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, rowId: 'apples', column: 'missing' }),
      404,
      'column_not_found',
    );
    await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, rowId: 'pears', column: 'count' }),
      404,
      'column_not_found',
    );
    await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, tableId: 'nope', rowId: 'apples', column: 'count' }),
      404,
      'table_not_found',
    );
    await expectAppwriteError(
      admin().incrementRowColumn({ ...ids, databaseId: 'nope', rowId: 'apples', column: 'count' }),
      404,
      'database_not_found',
    );
  });

  it('validates `value` and `max` as numbers', async () => {
    const response = await t.raw('/tablesdb/shop/tables/stock/rows/apples/count/increment', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'X-Appwrite-Key': API_KEY },
      body: JSON.stringify({ value: 'lots' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'general_argument_invalid',
      message: 'Invalid `value` param: Value must be a valid number',
    });
    const bound = await t.raw('/tablesdb/shop/tables/stock/rows/apples/count/decrement', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'X-Appwrite-Key': API_KEY },
      body: JSON.stringify({ value: '2', min: [] }),
    });
    expect(bound.status).toBe(400);
    expect((await bound.json()).message).toBe('Invalid `min` param: Value must be a valid number');
  });

  it('needs `update` on the table or, with rowSecurity, on the row', async () => {
    const owner = new TablesDB(t.withSession((await t.login('a')).secret));
    const other = new TablesDB(t.withSession((await t.login('b')).secret));
    const mine = await owner.incrementRowColumn({ ...ids, rowId: 'apples', column: 'count' });
    expectModel('row', mine);
    expect(mine.count).toBe(6);
    const denied = await expectAppwriteError(
      other.incrementRowColumn({ ...ids, rowId: 'apples', column: 'count' }),
      401,
      'user_unauthorized',
    );
    expect(denied.message).toContain('Missing "update" permission for role "user:user-a"');
    await expectAppwriteError(
      new TablesDB(t.guest()).decrementRowColumn({ ...ids, rowId: 'apples', column: 'count' }),
      401,
      'user_unauthorized',
    );
    await admin().updateTable({ ...ids, name: 'Stock', permissions: [Permission.update(Role.users())] });
    const shared = await other.decrementRowColumn({ ...ids, rowId: 'apples', column: 'count' });
    expect(shared.count).toBe(5);
  });
});

describe('emulator TablesDB varchar and text columns (node-appwrite)', () => {
  const t = useEmulator('http');
  const admin = () => new TablesDB(t.admin());
  const notes = { databaseId: 'docs', tableId: 'notes' };

  beforeEach(async () => {
    await admin().create({ databaseId: 'docs', name: 'Docs' });
    await admin().createTable({ ...notes, name: 'Notes' });
  });

  it('creates, reads and updates a varchar column with its size', async () => {
    const created = await admin().createVarcharColumn({ ...notes, key: 'code', size: 8, required: false });
    expectModel('columnVarchar', created);
    expect(created).toMatchObject({
      key: 'code',
      type: 'varchar',
      size: 8,
      status: 'processing',
      default: null,
    });
    const got = await admin().getColumn({ ...notes, key: 'code' });
    expectModel('columnVarchar', got);
    expect(got).toMatchObject({ type: 'varchar', size: 8, status: 'available' });
    const updated = await admin().updateVarcharColumn({
      ...notes,
      key: 'code',
      required: false,
      xdefault: 'ABC',
      size: 12,
    });
    expectModel('columnVarchar', updated);
    expect(updated).toMatchObject({ size: 12, default: 'ABC' });
    const row = await admin().createRow({ ...notes, rowId: 'one', data: { code: 'x'.repeat(12) } });
    expect(row.code).toBe('x'.repeat(12));
    await expectAppwriteError(
      admin().createRow({ ...notes, rowId: 'two', data: { code: 'x'.repeat(13) } }),
      400,
      'row_invalid_structure',
    );
  });

  it('refuses a varchar size outside 1–16381', async () => {
    const error = await expectAppwriteError(
      admin().createVarcharColumn({ ...notes, key: 'code', size: 16_382, required: false }),
      400,
      'general_argument_invalid',
    );
    expect(error.message).toBe('Invalid `size` param: Value must be a valid range between 1 and 16,381');
  });

  it.each([
    ['text', 'columnText', (key: string) => admin().createTextColumn({ ...notes, key, required: false })],
    [
      'mediumtext',
      'columnMediumtext',
      (key: string) => admin().createMediumtextColumn({ ...notes, key, required: false }),
    ],
    [
      'longtext',
      'columnLongtext',
      (key: string) => admin().createLongtextColumn({ ...notes, key, required: false }),
    ],
  ] as const)(
    'creates a %s column that holds long strings and refuses other values',
    async (type, model, create) => {
      const created = await create('body');
      expectModel(model, created);
      expect(created).toMatchObject({ key: 'body', type, required: false, array: false, default: null });
      expectModel(model, await admin().getColumn({ ...notes, key: 'body' }));
      const long = 'word '.repeat(10_000);
      const row = await admin().createRow({ ...notes, rowId: 'long', data: { body: long } });
      expect(row.body).toBe(long);
      const error = await expectAppwriteError(
        admin().createRow({ ...notes, rowId: 'bad', data: { body: 42 } }),
        400,
        'row_invalid_structure',
      );
      expect(error.message).toBe(
        'Invalid document structure: Attribute "body" has invalid type. Value must be a valid string',
      );
    },
  );

  it('updates a text column and refuses the update route of another type', async () => {
    await admin().createTextColumn({ ...notes, key: 'body', required: false });
    const updated = await admin().updateTextColumn({
      ...notes,
      key: 'body',
      required: false,
      xdefault: 'empty',
      newKey: 'content',
    });
    expectModel('columnText', updated);
    expect(updated).toMatchObject({ key: 'content', type: 'text', default: 'empty' });
    await expectAppwriteError(
      admin().updateVarcharColumn({ ...notes, key: 'content', required: false, xdefault: null as never }),
      400,
      'column_type_invalid',
    );
    const list = await admin().listColumns({ ...notes });
    expectModel('columnList', list);
    expect(list.columns.map((column) => column.type)).toEqual(['text']);
  });
});
