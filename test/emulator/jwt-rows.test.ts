import { Account, type Models, Permission, Query, Role, TablesDB, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { BIRTHDAYS, DATABASE, expectAppwriteError, PROTOCOLS, useEmulator } from './helpers.ts';

type Birthday = Models.Row & { name: string; birthday: string };
type Note = Models.Row & { title: string };

const claimsOf = (jwt: string): Record<string, unknown> => {
  const [header = '', payload = ''] = jwt.split('.');
  expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256', typ: 'JWT' });
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
};

describe.each(PROTOCOLS)('emulator JWTs and TablesDB over %s (node-appwrite)', (protocol) => {
  const t = useEmulator(protocol);
  const rowsAs = (client: ReturnType<typeof t.guest>, queries?: string[]) =>
    new TablesDB(client).listRows({ databaseId: DATABASE, tableId: BIRTHDAYS, queries });

  describe('POST /v1/account/jwts', () => {
    it('mints an HS256 JWT with exactly {userId, sessionId, exp}, valid for 900 s by default', async () => {
      const { jwt, session } = await t.jwtFor('a');
      const claims = claimsOf(jwt);
      expect(Object.keys(claims)).toEqual(['userId', 'sessionId', 'exp']);
      expect(claims).toMatchObject({ userId: 'user-a', sessionId: session.$id });
      const now = t.running().context.clock.now() / 1000;
      expect(claims.exp as number).toBeGreaterThan(now + 895);
      expect(claims.exp as number).toBeLessThanOrEqual(now + 900);
      expect((await new Account(t.withJwt(jwt)).get()).$id).toBe('user-a');
    });

    it('honours `duration` and rejects the JWT as user_jwt_invalid once it expires', async () => {
      const session = await t.login('a');
      const { jwt } = await new Account(t.withSession(session.secret)).createJWT({ duration: 60 });
      expect((await new Account(t.withJwt(jwt)).get()).$id).toBe('user-a');
      t.running().advanceClock(60);
      const error = await expectAppwriteError(new Account(t.withJwt(jwt)).get(), 401, 'user_jwt_invalid');
      expect(error.message).toBe('Failed to verify JWT. Invalid token: Expired');
    });

    it('expires a default JWT after 900 s without sleeping', async () => {
      const { jwt } = await t.jwtFor('a');
      t.running().advanceClock(899);
      await new Account(t.withJwt(jwt)).get();
      t.running().advanceClock(1);
      await expectAppwriteError(new Account(t.withJwt(jwt)).get(), 401, 'user_jwt_invalid');
    });

    it('returns 404 user_session_not_found when only a JWT is presented', async () => {
      const { jwt } = await t.jwtFor('a');
      await expectAppwriteError(new Account(t.withJwt(jwt)).createJWT(), 404, 'user_session_not_found');
    });

    it('returns 401 general_unauthorized_scope for a guest', async () => {
      await expectAppwriteError(new Account(t.guest()).createJWT(), 401, 'general_unauthorized_scope');
    });

    it('rejects a duration outside 1..3600 with 400 general_argument_invalid', async () => {
      const session = await t.login('a');
      await expectAppwriteError(
        new Account(t.withSession(session.secret)).createJWT({ duration: 3601 }),
        400,
        'general_argument_invalid',
      );
    });

    it('sends X-RateLimit headers: 120 per 60 s, keyed by user', async () => {
      const session = await t.login('a');
      const response = await t.raw('/account/jwts', {
        method: 'POST',
        headers: { 'x-appwrite-session': session.secret },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-ratelimit-limit')).toBe('120');
      expect(response.headers.get('x-ratelimit-remaining')).toBe('119');
    });
  });

  describe('X-Appwrite-JWT', () => {
    it.each([
      [
        'a forged signature',
        (jwt: string) => `${jwt.slice(0, jwt.lastIndexOf('.'))}.${'A'.repeat(43)}`,
        'Signature failed',
      ],
      ['a token with missing segments', () => 'wrong-token', 'Incomplete segments'],
      [
        'a tampered payload',
        (jwt: string) => {
          const [h, , s] = jwt.split('.');
          const payload = Buffer.from(
            JSON.stringify({ userId: 'user-b', sessionId: '', exp: 9_999_999_999 }),
          ).toString('base64url');
          return `${h}.${payload}.${s}`;
        },
        'Signature failed',
      ],
    ])('returns 401 user_jwt_invalid for %s, on every route', async (_, mangle, reason) => {
      const { jwt } = await t.jwtFor('a');
      const bad = mangle(jwt);
      const account = await expectAppwriteError(new Account(t.withJwt(bad)).get(), 401, 'user_jwt_invalid');
      expect(account.message).toBe(`Failed to verify JWT. Invalid token: ${reason}`);
      await expectAppwriteError(rowsAs(t.withJwt(bad)), 401, 'user_jwt_invalid');
      await expectAppwriteError(
        new Account(t.withJwt(bad)).createAnonymousSession(),
        401,
        'user_jwt_invalid',
      );
    });

    it("acts as a guest once the JWT's session is deleted", async () => {
      const { jwt, session } = await t.jwtFor('a');
      await new Account(t.withSession(session.secret)).deleteSession({ sessionId: 'current' });
      await expectAppwriteError(new Account(t.withJwt(jwt)).get(), 401, 'general_unauthorized_scope');
      const rows = await rowsAs(t.withJwt(jwt));
      expect(rows.total).toBe(0);
    });

    it('returns 403 user_jwt_and_cookie_set when a JWT comes with a session credential', async () => {
      const { jwt, session } = await t.jwtFor('a');
      const response = await t.raw('/account', {
        headers: { 'x-appwrite-jwt': jwt, cookie: `a_session_demo=${encodeURIComponent(session.secret)}` },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 403, type: 'user_jwt_and_cookie_set' });
      // The session is checked first, before the JWT is read: a forged JWT is still the 403.
      const forged = await t.raw('/account', {
        headers: {
          'x-appwrite-jwt': `${jwt}x`,
          cookie: `a_session_demo=${encodeURIComponent(session.secret)}`,
        },
      });
      expect(forged.status).toBe(403);
    });

    it('ignores a session credential that does not verify, and serves the JWT', async () => {
      const { jwt } = await t.jwtFor('a');
      const stale = Buffer.from(JSON.stringify({ id: 'user-a', secret: 'stale' })).toString('base64');
      const response = await t.raw('/account', {
        headers: { 'x-appwrite-jwt': jwt, 'x-appwrite-session': stale },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ $id: 'user-a' });
    });

    it('cannot resolve `current` (404) but can delete its own session by id', async () => {
      const { jwt, session } = await t.jwtFor('a');
      const account = new Account(t.withJwt(jwt));
      await expectAppwriteError(
        account.deleteSession({ sessionId: 'current' }),
        404,
        'user_session_not_found',
      );
      const list = await account.listSessions();
      expect(list.sessions.every((s) => s.current === false)).toBe(true);
      await account.deleteSession({ sessionId: session.$id });
      await expectAppwriteError(account.get(), 401, 'general_unauthorized_scope');
    });

    it('accepts an unbound users.createJWT token even after every session is deleted', async () => {
      const users = new Users(t.admin());
      await t.login('c');
      const { jwt } = await users.createJWT({ userId: 'user-c' });
      expect(claimsOf(jwt).sessionId).toBe('');
      await users.deleteSessions({ userId: 'user-c' });
      expect((await new Account(t.withJwt(jwt)).get()).$id).toBe('user-c');
      const bound = await users.createJWT({ userId: 'user-c', sessionId: (await t.login('c')).$id });
      await users.deleteSessions({ userId: 'user-c' });
      await expectAppwriteError(new Account(t.withJwt(bound.jwt)).get(), 401, 'general_unauthorized_scope');
    });
  });

  describe('the seed example (Appwrite JWT-login docs)', () => {
    it("lists exactly Kevin's birthday for user-a's JWT", async () => {
      const { jwt } = await t.jwtFor('a');
      const rows = await rowsAs(t.withJwt(jwt));
      expect(rows.total).toBe(1);
      expect(rows.rows).toEqual([
        expect.objectContaining({
          $id: 'ac5fc866ad1e',
          name: 'Kevin',
          birthday: '2012-02-03T00:00:00.000+00:00',
          $permissions: ['read("user:user-a")'],
          $tableId: BIRTHDAYS,
          $databaseId: DATABASE,
          $sequence: '1',
        }),
      ]);
    });

    it("lists all three rows for the API key, and only Laura for user-b's session", async () => {
      const all = await rowsAs(t.admin());
      expect(all.total).toBe(3);
      expect(all.rows.map((row) => row.name)).toEqual(['Kevin', 'Laura', 'Bob']);
      const session = await t.login('b');
      const laura = await rowsAs(t.withSession(session.secret));
      expect(laura.rows.map((row) => row.$id)).toEqual(['bc7fc866ad1e']);
    });

    it('shows a guest no rows (rowSecurity on, no table-level read): 200 with total 0', async () => {
      expect(await rowsAs(t.guest())).toEqual({ total: 0, rows: [] });
    });

    it('gets a readable row and answers 404 row_not_found for one the user cannot read', async () => {
      const { jwt } = await t.jwtFor('a');
      const tables = new TablesDB(t.withJwt(jwt));
      const kevin = await tables.getRow({ databaseId: DATABASE, tableId: BIRTHDAYS, rowId: 'ac5fc866ad1e' });
      expect(kevin.name).toBe('Kevin');
      await expectAppwriteError(
        tables.getRow({ databaseId: DATABASE, tableId: BIRTHDAYS, rowId: 'bc7fc866ad1e' }),
        404,
        'row_not_found',
      );
    });
  });

  describe('queries', () => {
    it.each([
      [[Query.equal('name', 'Laura')], ['Laura']],
      [[Query.equal('name', ['Bob', 'Kevin'])], ['Kevin', 'Bob']],
      [[Query.orderAsc('birthday')], ['Bob', 'Laura', 'Kevin']],
      [[Query.orderDesc('name')], ['Laura', 'Kevin', 'Bob']],
      [
        [Query.orderAsc('name'), Query.limit(2)],
        ['Bob', 'Kevin'],
      ],
      [[Query.orderAsc('name'), Query.limit(2), Query.offset(2)], ['Laura']],
      [[Query.greaterThan('birthday', '1990-01-01T00:00:00.000+00:00')], ['Kevin', 'Laura']],
    ])('applies %j', async (queries, names) => {
      const rows = await rowsAs(t.admin(), queries);
      expect(rows.rows.map((row) => row.name)).toEqual(names);
    });

    it('counts the total before limit and offset', async () => {
      const rows = await rowsAs(t.admin(), [Query.limit(1)]);
      expect(rows.total).toBe(3);
      expect(rows.rows).toHaveLength(1);
    });

    it.each([
      ['malformed JSON', ['{not json'], 'Invalid query: Syntax error'],
      [
        'an unknown attribute',
        [Query.equal('nope', 'x')],
        'Invalid query: Attribute not found in schema: nope',
      ],
      [
        'an unknown method',
        [JSON.stringify({ method: 'fuzzy', attribute: 'name', values: ['x'] })],
        'Invalid query: Invalid query method: fuzzy',
      ],
      ['a zero limit', [Query.limit(0)], expect.stringContaining('Invalid limit')],
    ])('returns 400 general_query_invalid for %s', async (_, queries, message) => {
      const error = await expectAppwriteError(rowsAs(t.admin(), queries), 400, 'general_query_invalid');
      expect(error.message).toEqual(message);
    });
  });

  describe('creating rows and errors', () => {
    it('creates a row with the API key; $sequence continues as a string', async () => {
      const tables = new TablesDB(t.admin());
      const row = await tables.createRow<Birthday>({
        databaseId: DATABASE,
        tableId: BIRTHDAYS,
        rowId: 'zoe',
        data: { name: 'Zoe', birthday: '2000-01-01' },
        permissions: [Permission.read(Role.user('user-b'))],
      });
      expect(row).toMatchObject({
        $id: 'zoe',
        $sequence: '4',
        birthday: '2000-01-01T00:00:00.000+00:00',
        $permissions: ['read("user:user-b")'],
      });
      const session = await t.login('b');
      const visible = await rowsAs(t.withSession(session.secret));
      expect(visible.rows.map((r) => r.$id)).toEqual(['bc7fc866ad1e', 'zoe']);
      await expectAppwriteError(
        tables.createRow<Birthday>({
          databaseId: DATABASE,
          tableId: BIRTHDAYS,
          rowId: 'zoe',
          data: { name: 'Zoe', birthday: '2000-01-01' },
        }),
        409,
        'row_already_exists',
      );
    });

    it('returns 400 row_invalid_structure for unknown columns, missing required ones and bad types', async () => {
      const tables = new TablesDB(t.admin());
      for (const data of [
        { name: 'X', birthday: '2000-01-01', extra: 1 },
        { name: 'X' },
        { name: 5, birthday: '2000-01-01' },
        { name: 'X', birthday: 'yesterday' },
      ]) {
        await expectAppwriteError(
          tables.createRow({ databaseId: DATABASE, tableId: BIRTHDAYS, rowId: 'unique()', data }),
          400,
          'row_invalid_structure',
        );
      }
      expect((await rowsAs(t.admin())).total).toBe(3);
    });

    it('returns 401 user_unauthorized when a user without table-level create permission writes', async () => {
      const { jwt } = await t.jwtFor('a');
      await expectAppwriteError(
        new TablesDB(t.withJwt(jwt)).createRow<Birthday>({
          databaseId: DATABASE,
          tableId: BIRTHDAYS,
          rowId: 'unique()',
          data: { name: 'X', birthday: '2000-01-01' },
        }),
        401,
        'user_unauthorized',
      );
    });

    it('returns 404 database_not_found and table_not_found with the id in the message', async () => {
      const db = await expectAppwriteError(
        new TablesDB(t.admin()).listRows({ databaseId: 'nope', tableId: BIRTHDAYS }),
        404,
        'database_not_found',
      );
      expect(db.message).toBe("Database with the requested ID 'nope' could not be found.");
      await expectAppwriteError(
        new TablesDB(t.admin()).listRows({ databaseId: DATABASE, tableId: 'nope' }),
        404,
        'table_not_found',
      );
    });
  });
});

describe('emulator table permission matrix (Appwrite e2e: public / private / rowSecurity-only)', () => {
  const rows = (id: string, permissions: string[]) => ({ $id: id, $permissions: permissions, title: id });
  const table = (id: string, permissions: string[], rowSecurity: boolean) => ({
    id,
    permissions,
    rowSecurity,
    columns: [{ key: 'title', type: 'string' as const }],
    rows: [
      rows('any', ['read("any")']),
      rows('users', ['read("users")']),
      rows('mine', ['read("user:member")']),
      rows('other', ['read("user:random")']),
      rows('label', ['read("label:vip")']),
      rows('guests', ['read("guests")']),
      rows('none', []),
    ],
  });
  const t = useEmulator('http', {
    seed: {
      projects: [
        {
          id: 'demo',
          apiKeys: [{ secret: 'demo-api-key' }],
          users: [
            { id: 'member', email: 'member@example.com', password: 'member-password', labels: ['vip'] },
            { id: 'plain', email: 'plain@example.com', password: 'plain-password' },
          ],
          databases: [
            {
              id: 'db',
              tables: [
                table('public', ['read("any")'], true),
                table('private', ['read("users")'], true),
                table('doconly', [], true),
                table('closed', [], false),
                { ...table('writable', ['create("users")'], true), rows: [] },
              ],
            },
          ],
        },
      ],
    },
  });
  const sessionFor = async (who: 'member' | 'plain') =>
    (
      await new Account(t.admin()).createEmailPasswordSession({
        email: `${who}@example.com`,
        password: `${who}-password`,
      })
    ).secret;
  const ids = async (client: ReturnType<typeof t.guest>, tableId: string) =>
    (await new TablesDB(client).listRows({ databaseId: 'db', tableId })).rows.map((row) => row.$id);
  const ALL = ['any', 'users', 'mine', 'other', 'label', 'guests', 'none'];

  it.each([
    ['guest', 'public', ALL],
    ['guest', 'private', ['any', 'guests']],
    ['guest', 'doconly', ['any', 'guests']],
    ['member', 'public', ALL],
    ['member', 'private', ALL],
    ['member', 'doconly', ['any', 'users', 'mine', 'label']],
    ['plain', 'doconly', ['any', 'users']],
    ['key', 'closed', ALL],
  ] as const)('%s reads %s → %j', async (who, tableId, expected) => {
    const client =
      who === 'guest' ? t.guest() : who === 'key' ? t.admin() : t.withSession(await sessionFor(who));
    expect(await ids(client, tableId)).toEqual(expected);
  });

  it('returns 401 user_unauthorized without table read and without rowSecurity', async () => {
    await expectAppwriteError(
      new TablesDB(t.withSession(await sessionFor('member'))).listRows({
        databaseId: 'db',
        tableId: 'closed',
      }),
      401,
      'user_unauthorized',
    );
    await expectAppwriteError(
      new TablesDB(t.guest()).listRows({ databaseId: 'db', tableId: 'closed' }),
      401,
      'user_unauthorized',
    );
  });

  it('lets a user with table create permission write rows, only granting roles it holds', async () => {
    const tables = new TablesDB(t.withSession(await sessionFor('member')));
    const row = await tables.createRow<Note>({
      databaseId: 'db',
      tableId: 'writable',
      rowId: 'r1',
      data: { title: 'hi' },
    });
    expect(row.$permissions).toEqual([
      'read("user:member")',
      'update("user:member")',
      'delete("user:member")',
    ]);
    await expectAppwriteError(
      tables.createRow<Note>({
        databaseId: 'db',
        tableId: 'writable',
        rowId: 'r2',
        data: { title: 'x' },
        permissions: [Permission.read(Role.user('plain'))],
      }),
      401,
      'user_unauthorized',
    );
    await expectAppwriteError(
      tables.createRow<Note>({
        databaseId: 'db',
        tableId: 'writable',
        rowId: 'r3',
        data: { title: 'x' },
        permissions: ['read(any)'],
      }),
      400,
      'general_argument_invalid',
    );
    expect(await ids(t.withSession(await sessionFor('plain')), 'writable')).toEqual([]);
  });
});
