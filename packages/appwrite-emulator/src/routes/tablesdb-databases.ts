import type { Context } from 'hono';
import { Hono } from 'hono';
import { type EmulatorEnv, guard } from '../auth.ts';
import { formatDate } from '../clock.ts';
import { uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { LIST_SHAPE, readListRequest, readParams, v, validate } from '../params.ts';
import type { Database } from '../tablesdb/model.ts';
import { isKey, listWithQueries, matchesSearch } from './tablesdb-access.ts';

/** The Database model. */
export const databaseModel = (database: Database): Record<string, unknown> => ({
  $id: database.id,
  name: database.name,
  $createdAt: formatDate(database.createdAt),
  $updatedAt: formatDate(database.updatedAt),
  enabled: database.enabled,
  type: database.type,
});

const READ = guard({ scope: 'databases.read' });
const WRITE = guard({ scope: 'databases.write' });

/** Finds a database for the schema routes (API keys only, so disabled ones are found too). */
const getDatabase = (c: Context<EmulatorEnv>): Database => {
  const databaseId = c.req.param('databaseId') ?? '';
  const database = c.var.project.databases.get(databaseId);
  if (!database || (!database.enabled && !isKey(c)))
    throw new AppwriteError('database_not_found', undefined, databaseId);
  return database;
};

const create = (type: Database['type']) => async (c: Context<EmulatorEnv>) => {
  const params = validate(await readParams(c), {
    databaseId: { schema: v.customId },
    name: { schema: v.text(128) },
    enabled: { schema: v.boolean, optional: true },
  });
  const now = c.var.emulator.clock.now();
  const id = params.databaseId === 'unique()' ? uniqueId(now) : params.databaseId;
  const databases = c.var.project.databases;
  if (databases.has(id)) throw new AppwriteError('database_already_exists', undefined, id);
  const database: Database = {
    id,
    name: params.name,
    enabled: params.enabled ?? true,
    type,
    tables: new Map(),
    createdAt: now,
    updatedAt: now,
  };
  databases.set(id, database);
  return c.json(databaseModel(database), 201);
};

/** TablesDB databases: create, list, get, update and delete (API keys with `databases.*`). */
export const databasesRoutes = new Hono<EmulatorEnv>()
  .post('/tablesdb', WRITE, create('tablesdb'))
  // The legacy Databases API's create, which Appwrite's TablesDB e2e suites use to set up.
  .post('/databases', WRITE, create('legacy'))
  .get('/tablesdb', READ, async (c) => {
    const { queries, search, total } = validate(await readListRequest(c), LIST_SHAPE);
    const databases = [...c.var.project.databases.values()].filter((database) =>
      matchesSearch(search, database.id, database.name),
    );
    const result = listWithQueries(
      databases,
      queries ?? [],
      ['name', '$id', '$createdAt', '$updatedAt', 'enabled'],
      (database, attribute) => databaseModel(database)[attribute],
      (database) => database.id,
      'Database',
    );
    return c.json({ total: total === false ? 0 : result.total, databases: result.page.map(databaseModel) });
  })
  .get('/tablesdb/:databaseId', READ, (c) => c.json(databaseModel(getDatabase(c))))
  .put('/tablesdb/:databaseId', WRITE, async (c) => {
    const params = validate(await readParams(c), {
      name: { schema: v.text(128), optional: true },
      enabled: { schema: v.boolean, optional: true },
    });
    const database = getDatabase(c);
    database.name = params.name ?? database.name;
    database.enabled = params.enabled ?? database.enabled;
    database.updatedAt = c.var.emulator.clock.now();
    return c.json(databaseModel(database));
  })
  .delete('/tablesdb/:databaseId', WRITE, (c) => {
    const database = getDatabase(c);
    c.var.project.databases.delete(database.id);
    return c.body(null, 204);
  });
