import { Hono } from 'hono';
import { type EmulatorEnv, resolveCaller, resolveProject } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { AppwriteError } from '../errors.ts';
import type { AuthSettings } from '../model.ts';
import { type Params, readParams, v, validate } from '../params.ts';

/** Validators of the settings `PATCH /_emulator/projects/:projectId/auth` accepts, with Appwrite's ranges. */
const AUTH_SETTINGS = {
  duration: { schema: v.range(0, 31_536_000), optional: true },
  maxSessions: { schema: v.range(1, 100), optional: true },
  limit: { schema: v.range(0, 10_000), optional: true },
  passwordHistory: { schema: v.range(0, 20), optional: true },
  passwordDictionary: { schema: v.boolean, optional: true },
  personalDataCheck: { schema: v.boolean, optional: true },
  invalidateSessions: { schema: v.boolean, optional: true },
} as const;

/** Reads a partial {@link AuthSettings} body; an unknown key is a 400, like an unknown Appwrite parameter. */
const parseAuthSettings = (params: Params): Partial<AuthSettings> => {
  const unknown = Object.keys(params).find((key) => !Object.hasOwn(AUTH_SETTINGS, key));
  if (unknown !== undefined) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Unknown auth setting "${unknown}". Known settings: ${Object.keys(AUTH_SETTINGS).join(', ')}.`,
    );
  }
  const parsed = validate(params, AUTH_SETTINGS);
  return Object.fromEntries(
    Object.entries(parsed).filter(([, value]) => value !== undefined),
  ) as Partial<AuthSettings>;
};

/**
 * The control API for tests and scripts, under `/_emulator`. It needs a valid API key of a project,
 * so a web page cannot drive it cross-site (the header forces a CORS preflight, which is not
 * answered). `apiRequests` counts requests served under `/v1`.
 */
export const controlRoutes = (emulator: EmulatorContext, apiRequests: () => number) => {
  const control = new Hono<EmulatorEnv>();
  control.use('*', resolveProject, resolveCaller, async (c, next) => {
    if (c.var.caller.kind !== 'key') throw new AppwriteError('user_unauthorized');
    await next();
  });
  control.get('/clock', (c) => c.json({ now: new Date(emulator.clock.now()).toISOString() }));
  control.post('/clock', async (c) => {
    const { advance } = validate(await readParams(c), {
      advance: { schema: v.range(-31_536_000, 31_536_000) },
    });
    emulator.clock.advance(advance);
    return c.json({ now: new Date(emulator.clock.now()).toISOString() });
  });
  // The project's auth settings (Appwrite's `auths`): only that project's API key may read or change them.
  control.use('/projects/:projectId/auth', async (c, next) => {
    if (c.req.param('projectId') !== c.var.project.id) {
      throw new AppwriteError(
        'user_unauthorized',
        'The API key does not belong to this project: send the key of the project in the path.',
      );
    }
    await next();
  });
  control.get('/projects/:projectId/auth', (c) => c.json({ ...c.var.project.auth }));
  control.patch('/projects/:projectId/auth', async (c) => {
    const project = c.var.project;
    project.auth = { ...project.auth, ...parseAuthSettings(await readParams(c)) };
    return c.json({ ...project.auth });
  });
  control.get('/stats', (c) => c.json({ requests: apiRequests() }));
  control.post('/reset', async (c) => {
    await emulator.reset();
    return c.body(null, 204);
  });
  return control;
};
