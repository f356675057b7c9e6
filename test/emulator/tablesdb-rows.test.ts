import { Permission, Query, Role, TablesDB } from 'node-appwrite';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

const ids = { databaseId: 'db', tableId: 'movies' };

describe('emulator TablesDB rows and queries (node-appwrite)', () => {
  const t = useEmulator('http');
  const admin = () => new TablesDB(t.admin());

  beforeEach(async () => {
    await admin().create({ databaseId: 'db', name: 'DB' });
    await admin().createTable({
      ...ids,
      name: 'Movies',
      permissions: [Permission.create(Role.users()), Permission.read(Role.users())],
      rowSecurity: true,
    });
    await admin().createStringColumn({ ...ids, key: 'title', size: 64, required: true });
    await admin().createIntegerColumn({ ...ids, key: 'year', required: false });
    await admin().createFloatColumn({ ...ids, key: 'rating', required: false });
    await admin().createBooleanColumn({ ...ids, key: 'seen', required: false });
    await admin().createStringColumn({ ...ids, key: 'tags', size: 16, required: false, array: true });
    await admin().createIndex({ ...ids, key: 'ft', type: 'fulltext' as never, columns: ['title'] });
    const rows = [
      { $id: 'alien', title: 'Alien', year: 1979, rating: 8.5, seen: true, tags: ['scifi', 'horror'] },
      { $id: 'heat', title: 'Heat', year: 1995, rating: 8.3, seen: false, tags: ['crime'] },
      { $id: 'up', title: 'Up', year: 2009, rating: 8.2, tags: [] },
      { $id: 'arrival', title: 'Arrival Day', year: 2016, rating: null, seen: true, tags: ['scifi'] },
    ];
    const created = await admin().createRows({ ...ids, rows });
    expectModel('rowList', created);
  });

  const titles = async (queries: string[]) =>
    (await admin().listRows({ ...ids, queries })).rows.map((row) => row.title as string);

  it.each([
    [[Query.equal('year', 1995)], ['Heat']],
    [[Query.notEqual('title', 'Heat')], ['Alien', 'Up', 'Arrival Day']],
    [[Query.lessThan('year', 1995)], ['Alien']],
    [[Query.lessThanEqual('year', 1995)], ['Alien', 'Heat']],
    [[Query.greaterThan('rating', 8.25)], ['Alien', 'Heat']],
    [[Query.greaterThanEqual('year', 2009)], ['Up', 'Arrival Day']],
    [[Query.between('year', 1990, 2010)], ['Heat', 'Up']],
    [[Query.notBetween('year', 1990, 2010)], ['Alien', 'Arrival Day']],
    [[Query.contains('tags', 'scifi')], ['Alien', 'Arrival Day']],
    [[Query.contains('title', 'rr')], ['Arrival Day']],
    [[Query.notContains('tags', 'scifi')], ['Heat', 'Up']],
    [[Query.startsWith('title', 'A')], ['Alien', 'Arrival Day']],
    [[Query.notStartsWith('title', 'A')], ['Heat', 'Up']],
    [[Query.endsWith('title', 'p')], ['Up']],
    [[Query.notEndsWith('title', 'p')], ['Alien', 'Heat', 'Arrival Day']],
    [[Query.isNull('rating')], ['Arrival Day']],
    [[Query.isNotNull('seen')], ['Alien', 'Heat', 'Arrival Day']],
    [[Query.equal('seen', true)], ['Alien', 'Arrival Day']],
    [[Query.search('title', 'arr')], ['Arrival Day']],
    [[Query.notSearch('title', 'alien')], ['Heat', 'Up', 'Arrival Day']],
    [[Query.or([Query.equal('year', 1979), Query.equal('year', 2009)])], ['Alien', 'Up']],
    [[Query.and([Query.equal('seen', true), Query.greaterThan('year', 2000)])], ['Arrival Day']],
    [
      [Query.orderDesc('year'), Query.limit(2)],
      ['Arrival Day', 'Up'],
    ],
    [
      [Query.orderAsc('title'), Query.offset(1), Query.limit(2)],
      ['Arrival Day', 'Heat'],
    ],
    [[Query.cursorAfter('heat')], ['Up', 'Arrival Day']],
    [[Query.cursorBefore('up'), Query.limit(1)], ['Heat']],
    [
      [Query.orderDesc('year'), Query.cursorAfter('up')],
      ['Heat', 'Alien'],
    ],
  ])('applies %j', async (queries, expected) => {
    expect(await titles(queries)).toEqual(expected);
  });

  it('returns only selected columns plus the $ attributes, and total=false gives 0', async () => {
    const list = await admin().listRows({
      ...ids,
      queries: [Query.select(['title']), Query.limit(1)],
      total: false,
    });
    expectModel('rowList', list);
    expect(list.total).toBe(0);
    expect(Object.keys(list.rows[0] ?? {}).sort()).toEqual(
      [
        '$createdAt',
        '$databaseId',
        '$id',
        '$permissions',
        '$sequence',
        '$tableId',
        '$updatedAt',
        'title',
      ].sort(),
    );
  });

  it.each([
    ['an unknown cursor', [Query.cursorAfter('nope')], 400, 'general_cursor_not_found'],
    ['search without a fulltext index', [Query.search('tags', 'x')], 400, 'general_query_invalid'],
    ['equal on an array column', [Query.equal('tags', 'x')], 400, 'general_query_invalid'],
    ['a string for an integer column', [Query.equal('year', 'x')], 400, 'general_query_invalid'],
    [
      'between with one value',
      [JSON.stringify({ method: 'between', attribute: 'year', values: [1] })],
      400,
      'general_query_invalid',
    ],
  ])('rejects %s', async (_, queries, code, type) => {
    await expectAppwriteError(admin().listRows({ ...ids, queries }), code, type);
  });

  it('words the cursor and fulltext errors as Appwrite does', async () => {
    const cursor = await expectAppwriteError(
      admin().listRows({ ...ids, queries: [Query.cursorAfter('nope')] }),
      400,
      'general_cursor_not_found',
    );
    expect(cursor.message).toBe("Row 'nope' for the 'cursor' value not found.");
    await admin().createStringColumn({ ...ids, key: 'plot', size: 64, required: false });
    const search = await expectAppwriteError(
      admin().listRows({ ...ids, queries: [Query.search('plot', 'x')] }),
      400,
      'general_query_invalid',
    );
    expect(search.message).toBe('Searching by attribute "plot" requires a fulltext index.');
  });

  it('gives a creating user read/update/delete on its row; a stranger gets 404, updates 401', async () => {
    const a = new TablesDB(t.withSession((await t.login('a')).secret));
    const row = await a.createRow({ ...ids, rowId: 'mine', data: { title: 'Mine' } });
    expectModel('row', row);
    expect(row.$permissions).toEqual([
      'read("user:user-a")',
      'update("user:user-a")',
      'delete("user:user-a")',
    ]);
    expect(row).toMatchObject({ $tableId: 'movies', $databaseId: 'db', $sequence: '5' });
    const updated = await a.updateRow({ ...ids, rowId: 'mine', data: { year: 2020 } });
    expectModel('row', updated);
    expect(updated).toMatchObject({ title: 'Mine', year: 2020 });
    const b = new TablesDB(t.withSession((await t.login('b')).secret));
    // user-b reads through the table-level read("users") grant…
    expect((await b.getRow({ ...ids, rowId: 'mine' })).title).toBe('Mine');
    // …but may not update or delete it.
    await expectAppwriteError(
      b.updateRow({ ...ids, rowId: 'mine', data: { year: 1 } }),
      401,
      'user_unauthorized',
    );
    await expectAppwriteError(b.deleteRow({ ...ids, rowId: 'mine' }), 401, 'user_unauthorized');
    await expectAppwriteError(
      b.updateRow({ ...ids, rowId: 'ghost', data: { year: 1 } }),
      404,
      'row_not_found',
    );
    await a.deleteRow({ ...ids, rowId: 'mine' });
    await expectAppwriteError(admin().getRow({ ...ids, rowId: 'mine' }), 404, 'row_not_found');
  });

  it('lets a user grant permissions only to roles it holds', async () => {
    const a = new TablesDB(t.withSession((await t.login('a')).secret));
    const error = await expectAppwriteError(
      a.createRow({
        ...ids,
        rowId: 'x',
        data: { title: 'X' },
        permissions: [Permission.read(Role.user('user-b'))],
      }),
      401,
      'user_unauthorized',
    );
    expect(error.message).toMatch(/^Permissions must be one of: \(any, users, user:user-a/);
    const own = await a.createRow({
      ...ids,
      rowId: 'x',
      data: { title: 'X' },
      permissions: [Permission.write(Role.user('user-a'))],
    });
    expect(own.$permissions).toEqual(['update("user:user-a")', 'delete("user:user-a")']);
  });

  it('hides rows from a guest without table read (row_not_found), and 401 on create', async () => {
    const guest = new TablesDB(t.guest());
    expect((await guest.listRows(ids)).total).toBe(0);
    await expectAppwriteError(guest.getRow({ ...ids, rowId: 'alien' }), 404, 'row_not_found');
    await expectAppwriteError(
      guest.createRow({ ...ids, rowId: 'g', data: { title: 'G' } }),
      401,
      'user_unauthorized',
    );
  });

  it('upserts: creates then updates, keeping $createdAt and bumping $updatedAt', async () => {
    const first = await admin().upsertRow({ ...ids, rowId: 'new', data: { title: 'New' } });
    expectModel('row', first);
    t.running().advanceClock(5);
    const second = await admin().upsertRow({ ...ids, rowId: 'new', data: { year: 2001 } });
    expect(second).toMatchObject({ title: 'New', year: 2001, $createdAt: first.$createdAt });
    expect(second.$updatedAt).not.toBe(first.$updatedAt);
  });

  it('rejects bad row data with row_invalid_structure and empty updates with row_missing_payload', async () => {
    await expectAppwriteError(
      admin().createRow({ ...ids, rowId: 'x', data: { title: 'X', year: 1.5 } }),
      400,
      'row_invalid_structure',
    );
    await expectAppwriteError(
      admin().createRow({ ...ids, rowId: 'x', data: { year: 1 } }),
      400,
      'row_invalid_structure',
    );
    await expectAppwriteError(admin().updateRow({ ...ids, rowId: 'alien' }), 400, 'row_missing_payload');
  });

  it('updates and deletes rows in bulk by query', async () => {
    const updated = await admin().updateRows({
      ...ids,
      data: { seen: true },
      queries: [Query.equal('seen', false)],
    });
    expectModel('rowList', updated);
    expect(updated.rows.map((row) => row.$id)).toEqual(['heat']);
    const deleted = await admin().deleteRows({ ...ids, queries: [Query.lessThan('year', 2000)] });
    expect(deleted.total).toBe(2);
    expect(await titles([])).toEqual(['Up', 'Arrival Day']);
  });
});
