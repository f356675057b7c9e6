import type { ValidateFunction } from 'ajv';
import { Account, ID, TablesDB, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { BIRTHDAYS, DATABASE, PROTOCOLS, useEmulator } from './helpers.ts';
import { expectModel, hasSpec, validatorOf } from './openapi-models.ts';

describe.skipIf(!hasSpec)("emulator responses against Appwrite's OpenAPI 3 models", () => {
  const validators = {
    get session() {
      return validatorOf('session');
    },
    get sessionList() {
      return validatorOf('sessionList');
    },
    get row() {
      return validatorOf('row');
    },
    get error() {
      return validatorOf('error');
    },
  };

  describe('the validator', () => {
    const session = {
      $id: 's1',
      $createdAt: '2026-01-01T00:00:00.000+00:00',
      $updatedAt: '2026-01-01T00:00:00.000+00:00',
      userId: 'user-a',
      expire: '2027-01-01T00:00:00.000+00:00',
      provider: 'email',
      providerUid: 'user-a@example.com',
      providerAccessToken: '',
      providerAccessTokenExpiry: '',
      providerRefreshToken: '',
      ip: '127.0.0.1',
      osCode: '',
      osName: '',
      osVersion: '',
      clientType: '',
      clientCode: '',
      clientName: '',
      clientVersion: '',
      clientEngine: '',
      clientEngineVersion: '',
      deviceName: '',
      deviceBrand: '',
      deviceModel: '',
      countryCode: '--',
      countryName: 'Unknown',
      current: true,
      factors: ['password'],
      secret: '',
      mfaUpdatedAt: '',
    };

    it('accepts a complete session and rejects one without `current` or with a wrong type', () => {
      expectModel('session', session);
      const validate = validators?.session as ValidateFunction;
      const { current: _, ...withoutCurrent } = session;
      expect(validate(withoutCurrent)).toBe(false);
      expect(validate.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ keyword: 'required', params: { missingProperty: 'current' } }),
        ]),
      );
      expect(validate({ ...session, current: 'yes' })).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({ keyword: 'type', instancePath: '/current' });
    });

    it("follows the spec's $refs into nested models", () => {
      const validate = validators?.sessionList as ValidateFunction;
      expect(validate({ total: 1, sessions: [session] })).toBe(true);
      expect(validate({ total: 1, sessions: [{ ...session, factors: 'password' }] })).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({ keyword: 'type', instancePath: '/sessions/0/factors' });
    });

    it('applies the 1.9 overrides: a string `$sequence` and an integer error `code`', () => {
      const row = {
        $id: 'r1',
        $sequence: '1',
        $tableId: 't',
        $databaseId: 'd',
        $createdAt: '2026-01-01T00:00:00.000+00:00',
        $updatedAt: '2026-01-01T00:00:00.000+00:00',
        $permissions: [],
        name: 'extra columns are allowed',
      };
      expectModel('row', row);
      expect(validators?.row?.({ ...row, $sequence: 1 })).toBe(false);
      const error = { message: 'Not found', code: 404, type: 'user_not_found', version: '1.9.6' };
      expectModel('error', error);
      expect(validators?.error?.({ ...error, code: '404' })).toBe(false);
    });
  });

  describe.each(PROTOCOLS)('over %s (node-appwrite)', (protocol) => {
    const t = useEmulator(protocol);

    describe('Account', () => {
      it('account.create returns a user', async () => {
        const user = await new Account(t.guest()).create({
          userId: ID.unique(),
          email: 'openapi@example.com',
          password: 'openapi-password',
          name: 'OpenAPI',
        });
        expectModel('user', user);
      });

      it('account.get returns a user', async () => {
        const { secret } = await t.login('a');
        expectModel('user', await new Account(t.withSession(secret)).get());
      });

      it('account.createEmailPasswordSession returns a session', async () => {
        const session = await new Account(t.admin()).createEmailPasswordSession({
          email: 'user-a@example.com',
          password: 'password-a',
        });
        expect(session.secret).not.toBe('');
        expectModel('session', session);
      });

      it('account.createAnonymousSession returns a session', async () => {
        expectModel('session', await new Account(t.admin()).createAnonymousSession());
      });

      it('account.listSessions returns a sessionList', async () => {
        await t.login('a');
        const { secret } = await t.login('a');
        const list = await new Account(t.withSession(secret)).listSessions();
        expect(list.sessions).toHaveLength(2);
        expectModel('sessionList', list);
      });

      it('account.createJWT returns a jwt', async () => {
        const { secret } = await t.login('a');
        expectModel('jwt', await new Account(t.withSession(secret)).createJWT());
      });

      it('errors are error models with an integer code', async () => {
        const guest = await t.raw('/account');
        expect(guest.status).toBe(401);
        expectModel('error', await guest.json());
        const missing = await t.raw('/users/nobody', { headers: { 'x-appwrite-key': 'demo-api-key' } });
        expect(missing.status).toBe(404);
        expectModel('error', await missing.json());
      });
    });

    describe('Users', () => {
      it('users.list returns a userList', async () => {
        const list = await new Users(t.admin()).list();
        expect(list.users.length).toBeGreaterThan(0);
        expectModel('userList', list);
      });

      it('users.get returns a user', async () => {
        expectModel('user', await new Users(t.admin()).get({ userId: 'user-b' }));
      });

      it('users.create returns a user, with and without a password', async () => {
        const users = new Users(t.admin());
        expectModel(
          'user',
          await users.create({
            userId: ID.unique(),
            email: 'created@example.com',
            password: 'created-pw',
            name: 'C',
          }),
        );
        expectModel('user', await users.create({ userId: ID.unique() }));
      });

      it('users.listSessions returns a sessionList', async () => {
        await t.login('c');
        const list = await new Users(t.admin()).listSessions({ userId: 'user-c' });
        expect(list.sessions).toHaveLength(1);
        expectModel('sessionList', list);
      });

      it('users.createToken returns a token', async () => {
        expectModel('token', await new Users(t.admin()).createToken({ userId: 'user-b' }));
      });
    });

    describe('TablesDB', () => {
      const table = { databaseId: DATABASE, tableId: BIRTHDAYS };

      it('tablesDB.listRows returns a rowList for an API key and for a user JWT', async () => {
        const all = await new TablesDB(t.admin()).listRows(table);
        expect(all.rows).toHaveLength(3);
        expectModel('rowList', all);
        const { jwt } = await t.jwtFor('a');
        const own = await new TablesDB(t.withJwt(jwt)).listRows(table);
        expect(own.rows.map((row) => row.$id)).toEqual(['ac5fc866ad1e']);
        expectModel('rowList', own);
      });

      it('tablesDB.getRow returns a row', async () => {
        expectModel('row', await new TablesDB(t.admin()).getRow({ ...table, rowId: 'bc7fc866ad1e' }));
      });

      it('tablesDB.createRow returns a row', async () => {
        const row = await new TablesDB(t.admin()).createRow({
          ...table,
          rowId: ID.unique(),
          data: { name: 'Zoe', birthday: '2000-01-01' },
        });
        expect(row).toMatchObject({ name: 'Zoe', $tableId: BIRTHDAYS, $databaseId: DATABASE });
        expectModel('row', row);
      });
    });
  });
});
