import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { hashPassword, type PasswordHash } from './crypto.ts';
import {
  addUser,
  DEFAULT_AUTH_SETTINGS,
  type EmulatorState,
  emailTargets,
  newUser,
  type Project,
} from './model.ts';
import { parsePermission } from './permissions.ts';
import { FIXED_TEXT_SIZES } from './tablesdb/columns.ts';
import { type Database, newColumn, type Table } from './tablesdb/model.ts';
import { validateRowData } from './tablesdb/rows.ts';
import { seedTeams, teamSeedSchema } from './teams/seed.ts';

/** Every scope an API key can be granted that the emulator checks (`account` is never grantable). */
export const ALL_KEY_SCOPES = [
  'sessions.write',
  'users.read',
  'users.write',
  'teams.read',
  'teams.write',
  'databases.read',
  'databases.write',
  'tables.read',
  'tables.write',
  'rows.read',
  'rows.write',
  'documents.read',
  'documents.write',
];

/** OAuth2 providers Appwrite knows (the `provider` enum of `createOAuth2Token`, plus `mock`). */
export const KNOWN_OAUTH_PROVIDERS = [
  'amazon',
  'apple',
  'auth0',
  'authentik',
  'autodesk',
  'bitbucket',
  'bitly',
  'box',
  'dailymotion',
  'discord',
  'disqus',
  'dropbox',
  'etsy',
  'facebook',
  'figma',
  'github',
  'gitlab',
  'google',
  'linkedin',
  'microsoft',
  'mock',
  'notion',
  'oidc',
  'okta',
  'paypal',
  'paypalSandbox',
  'podio',
  'salesforce',
  'slack',
  'spotify',
  'stripe',
  'tradeshift',
  'tradeshiftBox',
  'twitch',
  'wordpress',
  'yahoo',
  'yammer',
  'yandex',
  'zoho',
  'zoom',
] as const;

const id = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/, 'IDs are 1-36 chars of a-z, A-Z, 0-9, . _ -');
const permission = z.string().refine((value) => parsePermission(value) !== null, 'malformed permission');
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not an ISO 8601 date');

const rowSchema = z.object({ $id: id, $permissions: z.array(permission).default([]) }).catchall(z.unknown());

const columnSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9_]{1,36}$/),
  type: z.enum([
    'string',
    'integer',
    'float',
    'boolean',
    'datetime',
    'email',
    'enum',
    'url',
    'ip',
    'varchar',
    'text',
    'mediumtext',
    'longtext',
  ]),
  required: z.boolean().default(false),
  array: z.boolean().default(false),
  size: z.number().int().positive().default(255),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Allowed values of an `enum` column. */
  elements: z.array(z.string().min(1)).optional(),
  default: z.unknown().optional(),
});

const tableSchema = z.object({
  id,
  name: z.string().optional(),
  enabled: z.boolean().default(true),
  rowSecurity: z.boolean().default(false),
  permissions: z.array(permission).default([]),
  columns: z.array(columnSchema).default([]),
  indexes: z
    .array(
      z.object({
        key: z.string().regex(/^[A-Za-z0-9_]{1,36}$/),
        type: z.enum(['key', 'unique', 'fulltext']),
        columns: z.array(z.string()).min(1),
        orders: z.array(z.enum(['ASC', 'DESC'])).default([]),
      }),
    )
    .default([]),
  rows: z.array(rowSchema).default([]),
});

const projectSchema = z.object({
  id,
  name: z.string().optional(),
  apiKeys: z
    .array(
      z.object({
        secret: z.string().min(1),
        name: z.string().default('key'),
        scopes: z.array(z.string()).default(ALL_KEY_SCOPES),
        expire: isoDate.nullable().default(null),
      }),
    )
    .default([]),
  platforms: z.array(z.string().min(1)).default(['localhost', '127.0.0.1']),
  oauthProviders: z.array(z.enum(KNOWN_OAUTH_PROVIDERS)).default(['github', 'google']),
  /** Auth settings (see `AuthSettings`); omitted ones keep a new Appwrite project's defaults. */
  auth: z
    .object({
      duration: z.number().int().positive(),
      maxSessions: z.number().int().positive(),
      limit: z.number().int().nonnegative(),
      passwordHistory: z.number().int().min(0).max(20),
      passwordDictionary: z.boolean(),
      personalDataCheck: z.boolean(),
      invalidateSessions: z.boolean(),
    })
    .partial()
    .default({}),
  users: z
    .array(
      z.object({
        id,
        email: z.email().optional(),
        password: z.string().min(8).max(256).optional(),
        name: z.string().max(128).default(''),
        /** E.164, as Appwrite's Phone validator requires. */
        phone: z
          .string()
          .regex(/^\+[1-9]\d{6,14}$/)
          .optional(),
        labels: z.array(z.string().regex(/^[A-Za-z0-9]{1,36}$/)).default([]),
        status: z.boolean().default(true),
        emailVerification: z.boolean().default(false),
        phoneVerification: z.boolean().default(false),
        prefs: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
  databases: z
    .array(
      z.object({
        id,
        name: z.string().optional(),
        enabled: z.boolean().default(true),
        tables: z.array(tableSchema).default([]),
      }),
    )
    .default([]),
  /** Teams and their memberships (see `teamSeedSchema`). */
  teams: teamSeedSchema,
});

/** The seed file format: see {@link DEMO_SEED} and docs/emulator.md. */
export const seedSchema = z.object({ projects: z.array(projectSchema).min(1) });
export type Seed = z.input<typeof seedSchema>;

/** The default seed: project `demo` with the birthdays table of Appwrite's JWT-login docs. */
export const DEMO_SEED: Seed = {
  projects: [
    {
      id: 'demo',
      name: 'Demo',
      apiKeys: [{ name: 'demo', secret: 'demo-api-key' }],
      platforms: ['localhost', '127.0.0.1'],
      oauthProviders: ['github', 'google'],
      users: ['a', 'b', 'c'].map((letter) => ({
        id: `user-${letter}`,
        email: `user-${letter}@example.com`,
        password: `password-${letter}`,
        name: `User ${letter.toUpperCase()}`,
      })),
      databases: [
        {
          id: '642f358bf4084c662590',
          name: 'Demo',
          tables: [
            {
              id: '642f3592aa5fc856ad1e',
              name: 'birthdays',
              rowSecurity: true,
              permissions: [],
              columns: [
                { key: 'name', type: 'string', required: true, size: 128 },
                { key: 'birthday', type: 'datetime', required: true },
              ],
              rows: [
                {
                  $id: 'ac5fc866ad1e',
                  name: 'Kevin',
                  birthday: '2012-02-03',
                  $permissions: ['read("user:user-a")'],
                },
                {
                  $id: 'bc7fc866ad1e',
                  name: 'Laura',
                  birthday: '1999-09-22',
                  $permissions: ['read("user:user-b")'],
                },
                {
                  $id: 'cc2fc886ad1e',
                  name: 'Bob',
                  birthday: '1982-05-11',
                  $permissions: ['read("user:user-c")'],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

/** Reads and validates a seed file; errors name the file and the bad path, never a value. */
export const loadSeedFile = async (path: string): Promise<Seed> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`Seed file ${path} could not be read as JSON: ${(error as Error).message}`);
  }
  const result = seedSchema.safeParse(parsed);
  if (!result.success) {
    const where = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Seed file ${path} is invalid:\n  ${where.join('\n  ')}`);
  }
  return parsed as Seed;
};

// Re-seeding (reset between tests) reuses the seed's hashes instead of running the KDF again.
const cachedHash = async (cache: Map<string, PasswordHash>, password: string): Promise<PasswordHash> => {
  const known = cache.get(password);
  if (known) return known;
  const hash = await hashPassword(password);
  cache.set(password, hash);
  return hash;
};

/** Builds the in-memory state a seed describes. Passwords are hashed here, never stored as given. */
export const buildState = async (
  seed: Seed,
  now: number,
  hashes: Map<string, PasswordHash> = new Map(),
): Promise<EmulatorState> => {
  const { projects } = seedSchema.parse(seed);
  const state: EmulatorState = { projects: new Map(), oauthCodes: new Map(), outbox: [] };
  for (const p of projects) {
    if (state.projects.has(p.id)) throw new Error(`Seed: duplicate project id ${p.id}`);
    const project: Project = {
      id: p.id,
      name: p.name ?? p.id,
      keys: p.apiKeys.map((key) => ({ ...key, expire: key.expire === null ? null : Date.parse(key.expire) })),
      platforms: p.platforms,
      oauthProviders: p.oauthProviders,
      auth: { ...DEFAULT_AUTH_SETTINGS, ...p.auth },
      users: new Map(),
      emails: new Map(),
      databases: new Map(),
      teams: new Map(),
    };
    for (const u of p.users) {
      const email = u.email?.toLowerCase() ?? null;
      const phone = u.phone ?? '';
      const phoneTaken = phone !== '' && [...project.users.values()].some((other) => other.phone === phone);
      if (project.users.has(u.id) || (email && project.emails.has(email)) || phoneTaken) {
        throw new Error(`Seed: duplicate user ${u.id} in project ${p.id}`);
      }
      addUser(
        project,
        newUser(u.id, now, {
          name: u.name,
          email,
          password: u.password ? await cachedHash(hashes, u.password) : null,
          passwordUpdate: u.password ? now : null,
          status: u.status,
          labels: u.labels,
          emailVerification: u.emailVerification,
          phone,
          phoneVerification: u.phoneVerification,
          prefs: { ...u.prefs },
          targets: emailTargets(email, now, `${u.id}-email`),
        }),
      );
    }
    for (const d of p.databases) {
      const database: Database = {
        id: d.id,
        name: d.name ?? d.id,
        enabled: d.enabled,
        type: 'tablesdb',
        tables: new Map(),
        createdAt: now,
        updatedAt: now,
      };
      for (const t of d.tables) {
        const table: Table = {
          id: t.id,
          databaseId: d.id,
          name: t.name ?? t.id,
          enabled: t.enabled,
          rowSecurity: t.rowSecurity,
          permissions: t.permissions,
          columns: t.columns.map(({ default: fallback, ...column }) =>
            newColumn(
              { ...column, size: FIXED_TEXT_SIZES[column.type] ?? column.size, default: fallback ?? null },
              now,
            ),
          ),
          indexes: t.indexes.map((index) => ({
            ...index,
            lengths: [],
            status: 'available' as const,
            createdAt: now,
            updatedAt: now,
          })),
          rows: new Map(),
          nextSequence: 1,
          createdAt: now,
          updatedAt: now,
        };
        for (const { $id, $permissions, ...data } of t.rows) {
          table.rows.set($id, {
            id: $id,
            sequence: table.nextSequence++,
            createdAt: now,
            updatedAt: now,
            permissions: $permissions,
            data: validateRowData(table, data),
          });
        }
        database.tables.set(table.id, table);
      }
      project.databases.set(database.id, database);
    }
    seedTeams(project, p.teams, now);
    state.projects.set(project.id, project);
  }
  return state;
};
