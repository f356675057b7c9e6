import { Hono } from 'hono';
import { type EmulatorEnv, resolveCaller, resolveProject } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { AppwriteError } from '../errors.ts';
import { readParams, v, validate } from '../params.ts';

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
  control.get('/stats', (c) => c.json({ requests: apiRequests() }));
  control.post('/reset', async (c) => {
    await emulator.reset();
    return c.body(null, 204);
  });
  return control;
};
