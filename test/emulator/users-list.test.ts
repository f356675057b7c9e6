import { ID, Query, Users } from 'node-appwrite';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

const MD5_OF_PASSWORD = '5f4dcc3b5aa765d61d8327deb882cf99';

describe('emulator Users API: GET /v1/users (node-appwrite)', () => {
  const t = useEmulator('http');
  const users = () => new Users(t.admin());
  const ids = async (params: { queries?: string[]; search?: string }) => {
    const list = await users().list(params);
    expectModel('userList', list);
    return list.users.map((user) => user.$id);
  };

  // The seed holds user-a, user-b and user-c; these come after them, a second apart.
  beforeEach(async () => {
    const u = users();
    // Imported (MD5) passwords keep the fixture cheap: no key derivation runs.
    await u.createMD5User({
      userId: 'ronaldo',
      email: 'cristiano.ronaldo@manchester-united.co.uk',
      password: MD5_OF_PASSWORD,
      name: 'Cristiano Ronaldo',
    });
    t.running().advanceClock(1);
    await u.create({
      userId: 'user1',
      email: 'lionel.messi@psg.fr',
      password: 'password',
      name: 'Lionel Messi',
    });
    t.running().advanceClock(1);
    await u.create({ userId: 'phoned', phone: '+910000000000', name: 'Phone Only' });
    await u.updateLabels({ userId: 'user1', labels: ['vip', 'pro'] });
    await u.updateStatus({ userId: 'user-c', status: false });
  });

  it('lists every user in creation order with the total', async () => {
    const list = await users().list();
    expectModel('userList', list);
    expect(list.total).toBe(6);
    expect(list.users.map((user) => user.$id)).toEqual([
      'user-a',
      'user-b',
      'user-c',
      'ronaldo',
      'user1',
      'phoned',
    ]);
    expect(list.users[3]).toHaveProperty('emailCanonical', 'cristiano.ronaldo@manchester-united.co.uk');
  });

  it('answers total 0 (but the users) for total=false', async () => {
    const list = await users().list({ total: false });
    expect(list.total).toBe(0);
    expect(list.users).toHaveLength(6);
  });

  it.each([
    [[Query.equal('name', ['Lionel Messi'])], ['user1']],
    [[Query.equal('email', ['lionel.messi@psg.fr'])], ['user1']],
    [[Query.equal('phone', ['+910000000000'])], ['phoned']],
    [[Query.equal('status', [false])], ['user-c']],
    [
      [Query.notEqual('status', [false]), Query.limit(2)],
      ['user-a', 'user-b'],
    ],
    [[Query.equal('emailVerification', [true])], []],
    [
      [Query.equal('phoneVerification', [false]), Query.offset(4)],
      ['user1', 'phoned'],
    ],
    [[Query.contains('labels', ['pro'])], ['user1']],
    [[Query.startsWith('name', 'User ')], ['user-a', 'user-b', 'user-c']],
    [[Query.isNull('email')], ['phoned']],
    [[Query.isNull('passwordUpdate')], ['phoned']],
    [[Query.equal('$id', ['phoned', 'ronaldo'])], ['ronaldo', 'phoned']],
    [
      [Query.orderDesc('name'), Query.limit(3)],
      ['user-c', 'user-b', 'user-a'],
    ],
    [
      [Query.orderDesc('registration'), Query.limit(2)],
      ['phoned', 'user1'],
    ],
  ])('filters and orders with %j', async (queries, expected) => {
    expect(await ids({ queries })).toEqual(expected);
  });

  it('filters on dates by their ISO value', async () => {
    const messi = await users().get({ userId: 'user1' });
    expect(await ids({ queries: [Query.equal('registration', [messi.registration])] })).toEqual(['user1']);
    expect(await ids({ queries: [Query.equal('passwordUpdate', [messi.passwordUpdate])] })).toEqual([
      'user1',
    ]);
    expect(await ids({ queries: [Query.greaterThan('$createdAt', messi.$createdAt)] })).toEqual(['phoned']);
  });

  it('pages with cursorAfter and cursorBefore, excluding the cursor', async () => {
    expect(await ids({ queries: [Query.cursorAfter('ronaldo')] })).toEqual(['user1', 'phoned']);
    expect(await ids({ queries: [Query.cursorBefore('user1'), Query.limit(2)] })).toEqual([
      'user-c',
      'ronaldo',
    ]);
    await expectAppwriteError(
      users().list({ queries: [Query.cursorAfter('unknown')] }),
      400,
      'general_cursor_not_found',
    );
  });

  it.each([
    ['Ronaldo', ['ronaldo']],
    ['cristiano.ronaldo@manchester-united.co.uk', ['ronaldo']],
    ['cristiano.ronaldo', ['ronaldo']],
    ['manchester', ['ronaldo']],
    ['united.co.uk', ['ronaldo']],
    ['man', ['ronaldo']],
    ['user1', ['user1']],
    ['+910000000000', ['phoned']],
    ['"lionel.messi@psg.fr"', ['user1']],
    ['>', []],
  ])('searches ID, email, phone and name for %j', async (search, expected) => {
    const list = await users().list({ search });
    expect(list.users.map((user) => user.$id)).toEqual(expected);
    expect(list.total).toBe(expected.length);
  });

  it.each([
    [Query.select(['name']), 'Invalid `queries` param: Invalid query: Invalid query method: select'],
    [Query.equal('labels', ['vip']), 'Cannot query equal on attribute "labels" because it is an array.'],
    [Query.equal('password', ['x']), 'Attribute not found in schema: password'],
    [Query.equal('status', ['true']), 'Query value is invalid for attribute "status"'],
    [Query.limit(0), 'Invalid limit: Value must be a valid range between 1 and 5,000'],
    [Query.offset(5001), 'Invalid offset: Value must be a valid range between 0 and 5,000'],
    ['{not json', 'Invalid `queries` param: Invalid query: Syntax error'],
  ])('rejects the query %s with 400 general_argument_invalid', async (query, message) => {
    const error = await expectAppwriteError(
      users().list({ queries: [query] }),
      400,
      'general_argument_invalid',
    );
    expect(error.message).toContain(message);
  });

  it('rejects a search longer than 256 characters', async () => {
    await expectAppwriteError(users().list({ search: 'x'.repeat(257) }), 400, 'general_argument_invalid');
  });

  it('needs users.read: a signed-in user gets 401 general_unauthorized_scope', async () => {
    const session = await t.login('a');
    await expectAppwriteError(
      new Users(t.withSession(session.secret)).list(),
      401,
      'general_unauthorized_scope',
    );
    await expectAppwriteError(
      new Users(t.withSession(session.secret)).get({ userId: ID.custom('user-a') }),
      401,
      'general_unauthorized_scope',
    );
  });
});
