import { createHash } from 'node:crypto';
import { bcrypt } from 'hash-wasm';
import { Account, ID, type Models, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

// Hashes of the password "appwrite", one per algorithm, as Appwrite's Users e2e suite imports them.
const SCRYPT_MODIFIED = {
  password: 'UlM7JiXRcQhzAGlaonpSqNSLIz475WMddOgLjej5De9vxTy48K6WtqlEzrRFeK4t0COfMhWCb8wuMHgxOFCHFQ==',
  passwordSalt: 'UxLMreBr6tYyjQ==',
  passwordSaltSeparator: 'Bw==',
  passwordSignerKey:
    'XyEKE9RcTDeLEsL/RjwPDBv/RqDl8fb3gpYEOQaPihbxf1ZAtSOHCjuAAa7Q3oHpCYhXSN9tizHgVOwn6krflQ==',
};
const ARGON2I = '$argon2i$v=19$m=20,t=3,p=2$YXBwd3JpdGU$A/54i238ed09ZR4NwlACU5XnkjNBZU9QeOEuhjLiexI';
const SCRYPT =
  '3fdef49701bc4cfaacd551fe017283513284b4731e6945c263246ef948d3cf63b5d269c31fd697246085111a428245e24a4ddc6b64c687bc60a8910dbafc1d5b';

describe('emulator Users API: creating users (node-appwrite)', () => {
  const t = useEmulator('http');
  const users = () => new Users(t.admin());

  /** Imports one user per algorithm; each can then sign in with "appwrite". */
  const importAll = async (): Promise<Record<string, Models.User<Models.Preferences>>> => {
    const u = users();
    const email = (id: string) => `${id}@appwrite.io`;
    const bcryptHash = await bcrypt({
      password: 'appwrite',
      salt: new Uint8Array(16).fill(1),
      costFactor: 4,
    });
    return {
      md5: await u.createMD5User({
        userId: 'md5',
        email: email('md5'),
        password: createHash('md5').update('appwrite').digest('hex'),
        name: 'MD5 User',
      }),
      bcrypt: await u.createBcryptUser({ userId: 'bcrypt', email: email('bcrypt'), password: bcryptHash }),
      argon2: await u.createArgon2User({ userId: 'argon2', email: email('argon2'), password: ARGON2I }),
      sha512: await u.createSHAUser({
        userId: 'sha512',
        email: email('sha512'),
        password: createHash('sha512').update('appwrite').digest('hex'),
        passwordVersion: 'sha512' as never,
      }),
      scrypt: await u.createScryptUser({
        userId: 'scrypt',
        email: email('scrypt'),
        password: SCRYPT,
        passwordSalt: 'appwrite',
        passwordCpu: 16384,
        passwordMemory: 13,
        passwordParallel: 2,
        passwordLength: 64,
      }),
      phpass: await u.createPHPassUser({
        userId: 'phpass',
        email: email('phpass'),
        password: '$P$Br387rwferoKN7uwHZqNMu98q3U8RO.',
      }),
      'scrypt-modified': await u.createScryptModifiedUser({
        userId: 'scrypt-modified',
        email: email('scrypt-modified'),
        ...SCRYPT_MODIFIED,
      }),
    };
  };

  it('creates a user (201) with the 1.9 email metadata and an Argon2id hash', async () => {
    const created = await users().create({
      userId: ID.unique(),
      email: 'Cristiano.Ronaldo@Manchester-United.co.uk',
      password: 'password',
      name: 'Cristiano Ronaldo',
    });
    expectModel('user', created);
    expect(created).toMatchObject({
      name: 'Cristiano Ronaldo',
      email: 'cristiano.ronaldo@manchester-united.co.uk',
      status: true,
      labels: [],
      prefs: {},
      emailCanonical: 'cristiano.ronaldo@manchester-united.co.uk',
      emailIsFree: false,
      emailIsDisposable: false,
      emailIsCorporate: true,
      emailIsCanonical: true,
      hash: 'argon2',
      hashOptions: { type: 'argon2', memoryCost: 7168, timeCost: 5, threads: 1 },
    });
    expect(created.password).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect(created.targets).toEqual([
      expect.objectContaining({
        providerType: 'email',
        identifier: 'cristiano.ronaldo@manchester-united.co.uk',
      }),
    ]);
    // The body's `prefs` is an empty JSON object, never `[]`.
    const raw = await t.raw(`/users/${created.$id}`, { headers: { 'x-appwrite-key': 'demo-api-key' } });
    expect(await raw.text()).toContain('"prefs":{}');
  });

  it.each([
    ['john.doe+news@googlemail.com', 'johndoe@gmail.com', false, true, false],
    ['someone@mailinator.com', 'someone@mailinator.com', true, false, true],
    ['jane@outlook.com', 'jane@outlook.com', true, true, false],
  ])(
    'derives the canonical form and domain class of %s',
    async (email, canonical, canonicalNow, free, disposable) => {
      const created = await users().create({ userId: ID.unique(), email });
      expect(created).toMatchObject({
        emailCanonical: canonical,
        emailIsCanonical: canonicalNow && email === canonical,
        emailIsFree: free,
        emailIsDisposable: disposable,
        emailIsCorporate: !free && !disposable,
      });
    },
  );

  it('creates users with any combination of email, phone and password', async () => {
    const u = users();
    const phoneOnly = await u.create({ userId: 'unique()', phone: '+123456789012' });
    expect(phoneOnly).toMatchObject({
      email: '',
      phone: '+123456789012',
      password: null,
      emailCanonical: null,
    });
    expect(phoneOnly.passwordUpdate).toBe('');
    const anonymous = await u.create({ userId: 'unique()' });
    expectModel('user', anonymous);
    expect(anonymous).toMatchObject({ email: '', phone: '', password: null, hash: 'argon2' });
    const passwordOnly = await u.create({ userId: 'unique()', password: 'passwordOnlyUser' });
    expect(passwordOnly.password).toMatch(/^\$argon2id\$/);
    expect(passwordOnly.passwordUpdate).not.toBe('');
  });

  it('returns 409 user_already_exists for a taken id, email or phone', async () => {
    const u = users();
    await u.create({ userId: 'phone-user', phone: '+16175551201' });
    await expectAppwriteError(u.create({ userId: 'user-a' }), 409, 'user_already_exists');
    await expectAppwriteError(
      u.create({ userId: ID.unique(), email: 'USER-B@example.com' }),
      409,
      'user_already_exists',
    );
    await expectAppwriteError(
      u.create({ userId: ID.unique(), phone: '+16175551201' }),
      409,
      'user_already_exists',
    );
    await expectAppwriteError(
      u.createMD5User({ userId: 'user-c', email: 'other@example.com', password: 'a'.repeat(32) }),
      409,
      'user_already_exists',
    );
  });

  it.each([
    [{ userId: '-bad' }, 'Invalid `userId` param'],
    [{ userId: 'x', email: 'not-an-email' }, 'Invalid `email` param: Value must be a valid email address'],
    [{ userId: 'x', phone: '0612345678' }, "Invalid `phone` param: Phone number must start with a '+'"],
    [{ userId: 'x', password: 'short' }, 'Invalid `password` param'],
    [
      { userId: 'x', name: 'n'.repeat(129) },
      'Invalid `name` param: Value must be a valid string and at most 128',
    ],
  ])('rejects bad input %j with 400 general_argument_invalid', async (params, message) => {
    const error = await expectAppwriteError(users().create(params), 400, 'general_argument_invalid');
    expect(error.message).toContain(message);
  });

  it('imports every hashed-password algorithm and reports hash and hashOptions as Appwrite', async () => {
    const imported = await importAll();
    for (const user of Object.values(imported)) expectModel('user', user);
    expect(imported.md5).toMatchObject({ hash: 'md5', hashOptions: { type: 'md5' }, name: 'MD5 User' });
    expect(imported.bcrypt).toMatchObject({ hash: 'bcrypt', hashOptions: { type: 'bcrypt', cost: 8 } });
    expect(imported.argon2).toMatchObject({
      password: ARGON2I,
      hash: 'argon2',
      hashOptions: { type: 'argon2', memoryCost: 65536, timeCost: 4, threads: 3 },
    });
    expect(imported.sha512).toMatchObject({ hash: 'sha', hashOptions: { type: 'sha', version: 'sha512' } });
    expect(imported.scrypt).toMatchObject({
      password: SCRYPT,
      hash: 'scrypt',
      hashOptions: {
        type: 'scrypt',
        salt: 'appwrite',
        costCpu: 16384,
        costMemory: 13,
        costParallel: 2,
        length: 64,
      },
    });
    expect(imported.phpass).toMatchObject({ password: '$P$Br387rwferoKN7uwHZqNMu98q3U8RO.', hash: 'phpass' });
    expect(imported['scrypt-modified']).toMatchObject({
      password: SCRYPT_MODIFIED.password,
      hash: 'scryptMod',
      hashOptions: {
        type: 'scryptMod',
        salt: SCRYPT_MODIFIED.passwordSalt,
        saltSeparator: SCRYPT_MODIFIED.passwordSaltSeparator,
        signerKey: SCRYPT_MODIFIED.passwordSignerKey,
      },
    });
    const fetched = await users().get({ userId: 'scrypt-modified' });
    expect(fetched.hashOptions).toEqual(imported['scrypt-modified']?.hashOptions);
  });

  it('lets every imported user sign in with POST /account/sessions/email, and refuses a wrong password', async () => {
    const imported = await importAll();
    for (const id of Object.keys(imported)) {
      const session = await new Account(t.guest()).createEmailPasswordSession({
        email: `${id}@appwrite.io`,
        password: 'appwrite',
      });
      expect(session.userId).toBe(id);
      // The first sign-in moves the imported hash to Appwrite's own Argon2id.
      const moved = await users().get({ userId: id });
      expect(moved.hash).toBe('argon2');
      expect(moved.hashOptions).toMatchObject({ memoryCost: 7168, timeCost: 5, threads: 1 });
      await expectAppwriteError(
        new Account(t.guest()).createEmailPasswordSession({
          email: `${id}@appwrite.io`,
          password: 'appwritf',
        }),
        401,
        'user_invalid_credentials',
      );
    }
  });

  it('uses sha3-512 when no passwordVersion is given, and rejects an unknown one', async () => {
    const digest = createHash('sha3-512').update('appwrite').digest('hex');
    const created = await users().createSHAUser({
      userId: 'sha3',
      email: 'sha3@appwrite.io',
      password: digest,
    });
    expect(created.hashOptions).toEqual({ type: 'sha', version: 'sha3-512' });
    const error = await expectAppwriteError(
      users().createSHAUser({
        userId: 'sha-bad',
        email: 'sha-bad@appwrite.io',
        password: digest,
        passwordVersion: 'md4' as never,
      }),
      400,
      'general_argument_invalid',
    );
    expect(error.message).toContain('Invalid `passwordVersion` param: Value must be one of (sha1,');
  });

  it.each([
    ['passwordSalt', 'not-base64!'],
    ['passwordSaltSeparator', 'not-base64!'],
    ['passwordSignerKey', 'not-base64!'],
    ['passwordSalt', '0'],
    ['passwordSignerKey', '0'],
  ])('rejects a scrypt-modified %s of %j with 400 and creates no user', async (parameter, value) => {
    const userId = ID.unique();
    await expectAppwriteError(
      users().createScryptModifiedUser({
        userId,
        email: `${userId}@example.com`,
        ...SCRYPT_MODIFIED,
        [parameter]: value,
      }),
      400,
      'general_argument_invalid',
    );
    await expectAppwriteError(users().get({ userId }), 404, 'user_not_found');
  });

  it('rejects scrypt costs utopia-php/auth refuses (N not a power of two, short output)', async () => {
    const base = {
      email: 'scrypt-bad@example.com',
      password: SCRYPT,
      passwordSalt: 'appwrite',
      passwordCpu: 16384,
      passwordMemory: 13,
      passwordParallel: 2,
      passwordLength: 64,
    };
    await expectAppwriteError(
      users().createScryptUser({ ...base, userId: 'a1', passwordCpu: 1000 }),
      400,
      'general_argument_invalid',
    );
    await expectAppwriteError(
      users().createScryptUser({ ...base, userId: 'a2', passwordLength: 8 }),
      400,
      'general_argument_invalid',
    );
  });

  it('requires the password on imports: 400 Param "password" is not optional.', async () => {
    const response = await t.raw('/users/md5', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-key': 'demo-api-key' },
      body: JSON.stringify({ userId: 'x', email: 'x@example.com' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'general_argument_invalid',
      message: 'Param "password" is not optional.',
    });
  });

  it('needs an API key with users.write: a session gets 401 general_unauthorized_scope', async () => {
    const session = await t.login('a');
    await expectAppwriteError(
      new Users(t.withSession(session.secret)).create({ userId: ID.unique() }),
      401,
      'general_unauthorized_scope',
    );
  });
});
