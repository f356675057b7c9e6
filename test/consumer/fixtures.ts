// The sources a consumer writes, kept as text: they are compiled and run in the consumer's own
// project, never by this repository's tsc or Biome (which would reformat them or fail on the
// deliberately wrong one).

/** The README's first example, verbatim. */
export const APP_TS = `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { TablesDB } from 'node-appwrite';
import { type AppwriteAuthEnv, appwriteAuth, getAuth } from 'hono-appwrite';

const app = new Hono<AppwriteAuthEnv>();
app.use('/api/*', appwriteAuth({ endpoint: process.env.APPWRITE_ENDPOINT!, projectId: process.env.APPWRITE_PROJECT_ID! }));
app.get('/api/rows/:db/:table', async (c) => {
  const auth = getAuth(c);
  const { rows } = await new TablesDB(c.var.appwrite.client).listRows({ databaseId: c.req.param('db'), tableId: c.req.param('table') });
  return c.json({ kind: auth.kind, rows });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
`;

/** The same program as plain JavaScript: the type import, the type argument and the `!`s removed. */
export const APP_MJS = `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { TablesDB } from 'node-appwrite';
import { appwriteAuth, getAuth } from 'hono-appwrite';

const app = new Hono();
app.use('/api/*', appwriteAuth({ endpoint: process.env.APPWRITE_ENDPOINT, projectId: process.env.APPWRITE_PROJECT_ID }));
app.get('/api/rows/:db/:table', async (c) => {
  const auth = getAuth(c);
  const { rows } = await new TablesDB(c.var.appwrite.client).listRows({ databaseId: c.req.param('db'), tableId: c.req.param('table') });
  return c.json({ kind: auth.kind, rows });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
`;

/** Options of the wrong types, one per line so that each error can be located. */
export const WRONG_OPTIONS_TS = `import { Hono } from 'hono';
import { type AppwriteAuthEnv, appwriteAuth } from 'hono-appwrite';

const app = new Hono<AppwriteAuthEnv>();
app.use(
  '/api/*',
  appwriteAuth({
    endpoint: 42,
    projectId: 'demo',
    optional: 'yes',
  }),
);
export default app;
`;

/** The 1-based line of the first line of `source` that contains `fragment`. */
export const lineOf = (source: string, fragment: string): number => {
  const index = source.split('\n').findIndex((line) => line.includes(fragment));
  if (index < 0) throw new Error(`no line contains ${fragment}`);
  return index + 1;
};

/** A strict NodeNext tsconfig that checks `file` alone, declaration files included. */
export const tsconfigFor = (file: string): string =>
  `${JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: ['node'],
        noEmit: true,
        skipLibCheck: false,
      },
      files: [file],
    },
    null,
    2,
  )}\n`;

/** The same routes as a Worker: settings from the Worker's env, the app as the default export. */
export const WORKER_TS = `import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { type AppwriteAuthEnv, appwriteAuth, getAuth } from 'hono-appwrite';
import { TablesDB } from 'node-appwrite';

const app = new Hono<AppwriteAuthEnv>();
app.use('/api/*', appwriteAuth({ endpoint: env.APPWRITE_ENDPOINT, projectId: env.APPWRITE_PROJECT_ID }));
app.get('/api/rows/:db/:table', async (c) => {
  const auth = getAuth(c);
  const { rows } = await new TablesDB(c.var.appwrite.client).listRows({ databaseId: c.req.param('db'), tableId: c.req.param('table') });
  return c.json({ kind: auth.kind, rows });
});
export default app;
`;

/** The Worker's configuration with the aliases the library documents, and no \`nodejs_compat\`. */
export const WRANGLER_TOML = `name = "consumer"
main = "worker.ts"
compatibility_date = "2025-06-01"

[vars]
APPWRITE_ENDPOINT = "https://cloud.appwrite.io/v1"
APPWRITE_PROJECT_ID = "demo"

[alias]
"undici" = "hono-appwrite/workers/undici"
"json-bigint" = "hono-appwrite/workers/json-bigint"
"fs" = "hono-appwrite/workers/empty"
`;
