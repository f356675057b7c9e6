import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Account, ID, TablesDB, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { BIRTHDAYS, DATABASE, PROTOCOLS, useEmulator } from './helpers.ts';

/**
 * Appwrite's own published OpenAPI 3 server spec (info.version 1.8.1). It lives beside the
 * repository in `../shared/appwrite/openapi/` and is never copied in.
 */
const SPEC_PATH = fileURLToPath(
  new URL('../../../shared/appwrite/openapi/open-api3-latest-server.json', import.meta.url),
);
const hasSpec = existsSync(SPEC_PATH);
if (!hasSpec) {
  console.warn(`../shared/appwrite/openapi not found (${SPEC_PATH}): OpenAPI model validation skipped`);
}

const MODELS = [
  'user',
  'session',
  'sessionList',
  'userList',
  'jwt',
  'token',
  'row',
  'rowList',
  'error',
] as const;
type Model = (typeof MODELS)[number];

interface SchemaObject {
  type?: string;
  properties?: Record<string, SchemaObject>;
  [keyword: string]: unknown;
}

/**
 * Drops `example` and `x-example` values: they are annotations, but Ajv scans every key of a schema
 * for `$id`, and the model examples contain `$id` fields (the models' own ID attribute), which it
 * would take for conflicting schema ids ("resolves to more than one schema").
 */
const withoutExamples = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutExamples);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'example' && key !== 'x-example')
      .map(([key, item]) => [key, withoutExamples(item)]),
  );
};

/**
 * The spec's model schemas (`components.schemas`, kept at the same path so that the spec's own
 * `#/components/schemas/…` references resolve), with the two documented deviations of the 1.9
 * server from this 1.8.1 spec.
 */
const loadSpec = (): { components: { schemas: Record<string, SchemaObject> } } => {
  const document = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: unknown } };
  const spec = {
    components: { schemas: withoutExamples(document.components.schemas) as Record<string, SchemaObject> },
  };
  const { row, error } = spec.components.schemas;
  const sequence = row?.properties?.$sequence;
  const code = error?.properties?.code;
  if (!sequence || !code) throw new Error('spec: row.$sequence or error.code not found');
  // Override 1 (contract §1.3 item 7, §11): Appwrite 1.9 renders `row.$sequence` as a string
  // (Row model attribute of TYPE_ID); the 1.8.x spec still types it as an int32 integer.
  delete sequence.format;
  sequence.type = 'string';
  // Override 2 (contract §1.3 item 1): the spec types `error.code` as a string (example "404"), but
  // the server emits the HTTP status as a JSON integer.
  code.type = 'integer';
  return spec;
};

const buildValidators = (): Record<Model, ValidateFunction> => {
  // OpenAPI 3.0 schemas: `nullable` is supported by Ajv; `x-example`, `readOnly` and the other
  // annotations are ignored with `strict: false`.
  const ajv = new Ajv({ strict: false, allErrors: true });
  // OpenAPI data-type formats are annotations here (the `type` next to them is still checked).
  for (const format of [
    'int32',
    'int64',
    'float',
    'double',
    'email',
    'url',
    'ip',
    'datetime',
    'enum',
    'password',
    'phone',
    'binary',
  ]) {
    ajv.addFormat(format, true);
  }
  ajv.addSchema(loadSpec(), 'spec');
  return Object.fromEntries(
    MODELS.map((model) => [model, ajv.compile({ $ref: `spec#/components/schemas/${model}` })]),
  ) as Record<Model, ValidateFunction>;
};

describe.skipIf(!hasSpec)("emulator responses against Appwrite's OpenAPI 3 models", () => {
  const validators = hasSpec ? buildValidators() : undefined;

  /** Asserts that `body` is a valid `model`, printing Ajv's errors when it is not. */
  const expectModel = (model: Model, body: unknown): void => {
    const validate = validators?.[model];
    if (!validate) throw new Error(`no validator for ${model}`);
    validate(body);
    expect(validate.errors ?? [], `${model}: ${JSON.stringify(body)}`).toEqual([]);
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
