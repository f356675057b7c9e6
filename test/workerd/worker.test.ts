// The Cloudflare entry (runtimes/cloudflare.ts) running in workerd, driven through its own fetch
// handler, against the emulator over HTTP (project workerd-http) and HTTPS (workerd-https).
import { exports } from 'cloudflare:workers';
import { describe, inject } from 'vitest';
import { defineScenario } from '../support/scenario.ts';

describe('the worker in workerd', () => {
  defineScenario(() => ({
    // `localhost` is a registered platform of the demo project, so OAuth return URLs are accepted.
    base: 'http://localhost',
    endpoint: inject('workerdEmulatorEndpoint'),
    request: (path, init) =>
      exports.default.fetch(new Request(`http://localhost${path}`, { redirect: 'manual', ...init })),
  }));
});
