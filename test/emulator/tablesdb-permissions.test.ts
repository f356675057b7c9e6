import { Permission, Role, TablesDB, Users } from 'node-appwrite';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

const DB = 'perms';

describe('emulator TablesDB permissions for guests and users (node-appwrite)', () => {
  const t = useEmulator('http');
  const admin = () => new TablesDB(t.admin());
  const guest = () => new TablesDB(t.guest());
  const as = async (letter: string) => new TablesDB(t.withSession((await t.login(letter)).secret));

  /** A table with a required `title`; `open` grants everything to any, `closed` relies on rows. */
  const makeTable = async (tableId: string, permissions: string[], rowSecurity: boolean) => {
    await admin().createTable({ databaseId: DB, tableId, name: tableId, permissions, rowSecurity });
    await admin().createStringColumn({ databaseId: DB, tableId, key: 'title', size: 64, required: true });
  };
  const addRow = (tableId: string, rowId: string, permissions: string[]) =>
    admin().createRow({ databaseId: DB, tableId, rowId, data: { title: rowId }, permissions });
  const visible = async (client: TablesDB, tableId: string) => {
    const list = await client.listRows({ databaseId: DB, tableId });
    expectModel('rowList', list);
    return list.rows.map((row) => row.$id);
  };

  beforeEach(async () => {
    await admin().create({ databaseId: DB, name: 'Permissions' });
    await makeTable(
      'open',
      [
        Permission.read(Role.any()),
        Permission.create(Role.any()),
        Permission.update(Role.any()),
        Permission.delete(Role.any()),
      ],
      false,
    );
    await makeTable('closed', [], true);
  });

  it.each([
    [[Permission.read(Role.any())], true],
    [[Permission.read(Role.users())], false],
    [[Permission.update(Role.any()), Permission.delete(Role.any())], false],
    [[Permission.read(Role.any()), Permission.update(Role.users()), Permission.delete(Role.users())], true],
    [[Permission.read(Role.guests())], true],
  ])('a guest reads rows with %j: table grant always, row grant %s', async (permissions, rowVisible) => {
    await addRow('open', 'row', permissions);
    await addRow('closed', 'row', permissions);
    const open = await guest().listRows({ databaseId: DB, tableId: 'open' });
    expect(open.total).toBe(1);
    expect(open.rows[0]?.$permissions).toEqual(permissions);
    const closed = await guest().listRows({ databaseId: DB, tableId: 'closed' });
    expect(closed.total).toBe(rowVisible ? 1 : 0);
    if (rowVisible) expect(closed.rows[0]?.$permissions).toEqual(permissions);
  });

  it('a guest writes where the table grants any, and is refused in a table that grants nothing', async () => {
    const created = await guest().createRow({
      databaseId: DB,
      tableId: 'open',
      rowId: 'mine',
      data: { title: 'Lorem' },
    });
    expectModel('row', created);
    expect(created.$permissions).toEqual([]);
    await expectAppwriteError(
      guest().createRow({ databaseId: DB, tableId: 'closed', rowId: 'nope', data: { title: 'Lorem' } }),
      401,
      'user_unauthorized',
    );
    await addRow('closed', 'locked', []);
    const updated = await guest().updateRow({
      databaseId: DB,
      tableId: 'open',
      rowId: 'mine',
      data: { title: 'Thor: Ragnarok' },
    });
    expect(updated.title).toBe('Thor: Ragnarok');
    await expectAppwriteError(
      guest().updateRow({ databaseId: DB, tableId: 'closed', rowId: 'locked', data: { title: 'x' } }),
      401,
      'user_unauthorized',
    );
    await guest().deleteRow({ databaseId: DB, tableId: 'open', rowId: 'mine' });
    await expectAppwriteError(
      guest().deleteRow({ databaseId: DB, tableId: 'closed', rowId: 'locked' }),
      401,
      'user_unauthorized',
    );
  });

  it('a guest may give a new row read("any") where the table grants create to any', async () => {
    await makeTable('inbox', [Permission.create(Role.any())], true);
    const row = await guest().createRow({
      databaseId: DB,
      tableId: 'inbox',
      rowId: 'note',
      data: { title: 'Thor: Ragnarok' },
      permissions: [Permission.read(Role.any())],
    });
    expect(row.title).toBe('Thor: Ragnarok');
    expect(row.$permissions).toEqual(['read("any")']);
    expect(await visible(guest(), 'inbox')).toEqual(['note']);
  });

  it('read("users") and read("user:<id>") rows are seen only by those users', async () => {
    await addRow('closed', 'members', [Permission.read(Role.users())]);
    await addRow('closed', 'only-a', [Permission.read(Role.user('user-a'))]);
    const a = await as('a');
    const b = await as('b');
    expect(await visible(a, 'closed')).toEqual(['members', 'only-a']);
    expect(await visible(b, 'closed')).toEqual(['members']);
    expect(await visible(guest(), 'closed')).toEqual([]);
    expectModel('row', await a.getRow({ databaseId: DB, tableId: 'closed', rowId: 'only-a' }));
    await expectAppwriteError(
      b.getRow({ databaseId: DB, tableId: 'closed', rowId: 'only-a' }),
      404,
      'row_not_found',
    );
  });

  it('label:<name> and users/verified rows follow the user record', async () => {
    await addRow('closed', 'vip', [Permission.read(Role.label('vip'))]);
    await addRow('closed', 'verified', [Permission.read(Role.users('verified'))]);
    await addRow('closed', 'unverified', [Permission.read(Role.users('unverified'))]);
    const users = new Users(t.admin());
    await users.updateLabels({ userId: 'user-a', labels: ['vip'] });
    await users.updateEmailVerification({ userId: 'user-a', emailVerification: true });
    expect(await visible(await as('a'), 'closed')).toEqual(['vip', 'verified']);
    expect(await visible(await as('b'), 'closed')).toEqual(['unverified']);
  });

  it('row permissions count only with rowSecurity; table permissions always', async () => {
    await makeTable('plain', [], false);
    await addRow('plain', 'public', [Permission.read(Role.any())]);
    const denied = await expectAppwriteError(
      guest().listRows({ databaseId: DB, tableId: 'plain' }),
      401,
      'user_unauthorized',
    );
    expect(denied.message).toBe("No permissions provided for action 'read'");
    await expectAppwriteError(
      guest().getRow({ databaseId: DB, tableId: 'plain', rowId: 'public' }),
      404,
      'row_not_found',
    );
    await admin().updateTable({ databaseId: DB, tableId: 'plain', name: 'plain', rowSecurity: true });
    expect(await visible(guest(), 'plain')).toEqual(['public']);
    await admin().updateTable({
      databaseId: DB,
      tableId: 'plain',
      name: 'plain',
      rowSecurity: false,
      permissions: [Permission.read(Role.users())],
    });
    expect(await visible(await as('c'), 'plain')).toEqual(['public']);
  });

  it('update and delete are separate grants on a row', async () => {
    await addRow('closed', 'doc', [
      Permission.read(Role.user('user-a')),
      Permission.update(Role.user('user-a')),
      Permission.delete(Role.user('user-b')),
    ]);
    const a = await as('a');
    const b = await as('b');
    const updated = await a.updateRow({
      databaseId: DB,
      tableId: 'closed',
      rowId: 'doc',
      data: { title: 'New' },
    });
    expectModel('row', updated);
    expect(updated.title).toBe('New');
    await expectAppwriteError(
      b.updateRow({ databaseId: DB, tableId: 'closed', rowId: 'doc', data: { title: 'Other' } }),
      401,
      'user_unauthorized',
    );
    await expectAppwriteError(
      a.deleteRow({ databaseId: DB, tableId: 'closed', rowId: 'doc' }),
      401,
      'user_unauthorized',
    );
    await b.deleteRow({ databaseId: DB, tableId: 'closed', rowId: 'doc' });
    await expectAppwriteError(
      admin().getRow({ databaseId: DB, tableId: 'closed', rowId: 'doc' }),
      404,
      'row_not_found',
    );
  });

  it('a user may only hand out permissions to roles it holds', async () => {
    await makeTable('posts', [Permission.create(Role.users())], true);
    const a = await as('a');
    const own = await a.createRow({
      databaseId: DB,
      tableId: 'posts',
      rowId: 'own',
      data: { title: 'Mine' },
      permissions: [Permission.read(Role.users()), Permission.update(Role.user('user-a'))],
    });
    expect(own.$permissions).toEqual(['read("users")', 'update("user:user-a")']);
    const implicit = await a.createRow({
      databaseId: DB,
      tableId: 'posts',
      rowId: 'implicit',
      data: { title: 'x' },
    });
    expect(implicit.$permissions).toEqual([
      'read("user:user-a")',
      'update("user:user-a")',
      'delete("user:user-a")',
    ]);
    const foreign = await expectAppwriteError(
      a.createRow({
        databaseId: DB,
        tableId: 'posts',
        rowId: 'foreign',
        data: { title: 'Theirs' },
        permissions: [Permission.read(Role.user('user-b'))],
      }),
      401,
      'user_unauthorized',
    );
    expect(foreign.message).toMatch(/^Permissions must be one of: \(.*user:user-a.*\)$/);
    expect(foreign.message).not.toContain('user:user-b');
    await expectAppwriteError(
      a.updateRow({
        databaseId: DB,
        tableId: 'posts',
        rowId: 'own',
        permissions: [Permission.update(Role.team('staff'))],
      }),
      401,
      'user_unauthorized',
    );
    const b = await as('b');
    expect(await visible(b, 'posts')).toEqual(['own']);
  });
});
