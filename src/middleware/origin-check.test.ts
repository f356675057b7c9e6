import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AppwriteHttpError } from '../errors.ts';
import { type OriginCheckOptions, originCheck } from './origin-check.ts';

const URL_ = 'http://app.test/x';

/** An app with originCheck in front of a handler that counts the requests reaching it. */
const setup = (options?: OriginCheckOptions) => {
  let hits = 0;
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof AppwriteHttpError) return c.json(err.toBody(), err.status);
    return c.json({ message: err.message, code: 500, type: 'unexpected' }, 500);
  });
  app.use(originCheck(options));
  app.all('/x', (c) => {
    hits += 1;
    return c.text('ok');
  });
  return { app, hits: () => hits };
};

const expectPassed = async (response: Response, hits: number) => {
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('ok');
  expect(hits).toBe(1);
};

const expectRejected = async (response: Response, hits: number) => {
  expect(response.status).toBe(403);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  expect(await response.json()).toStrictEqual({
    message: 'The request originated from an origin this server does not trust.',
    code: 403,
    type: 'general_unknown_origin',
  });
  expect(hits).toBe(0);
};

describe('originCheck', () => {
  it.each<[string, string, Record<string, string>]>([
    ['a GET without Origin', 'GET', {}],
    ['a GET from a foreign Origin', 'GET', { Origin: 'https://evil.example' }],
    ['a HEAD with cross-site Sec-Fetch-Site', 'HEAD', { 'Sec-Fetch-Site': 'cross-site' }],
    ['an OPTIONS preflight from a foreign Origin', 'OPTIONS', { Origin: 'https://evil.example' }],
    ['a POST from the same Origin', 'POST', { Origin: 'http://app.test' }],
    ['a POST from an allow-listed Origin', 'POST', { Origin: 'https://front.test' }],
    ['a DELETE from an allow-listed Origin', 'DELETE', { Origin: 'https://front.test' }],
    ['a POST without Origin, Sec-Fetch-Site same-origin', 'POST', { 'Sec-Fetch-Site': 'same-origin' }],
    ['a POST without Origin, Sec-Fetch-Site none (typed URL)', 'POST', { 'Sec-Fetch-Site': 'none' }],
    ['a POST without Origin or Sec-Fetch-Site (non-browser)', 'POST', {}],
    [
      'a JSON POST from the same Origin',
      'POST',
      { Origin: 'http://app.test', 'Content-Type': 'application/json' },
    ],
  ])('lets %s through to the handler', async (_, method, headers) => {
    const { app, hits } = setup({ allowedOrigins: ['https://front.test'] });
    const response = await app.request(URL_, { method, headers });
    expect(response.status).toBe(200);
    if (method !== 'HEAD') expect(await response.text()).toBe('ok');
    expect(hits()).toBe(1);
  });

  it.each<[string, string, Record<string, string>]>([
    ['a POST from a foreign Origin', 'POST', { Origin: 'https://evil.example' }],
    ['a PUT from a foreign Origin', 'PUT', { Origin: 'https://evil.example' }],
    ['a PATCH from a foreign Origin', 'PATCH', { Origin: 'https://evil.example' }],
    ['a DELETE from a foreign Origin', 'DELETE', { Origin: 'https://evil.example' }],
    ['a POST with Origin: null (sandboxed frame, data: URL)', 'POST', { Origin: 'null' }],
    ['a POST from our host over another scheme', 'POST', { Origin: 'https://app.test' }],
    ['a POST from our host on another port', 'POST', { Origin: 'http://app.test:8080' }],
    ['a POST from a sibling subdomain', 'POST', { Origin: 'http://sub.app.test' }],
    ['a POST with an Origin that has a trailing slash', 'POST', { Origin: 'http://app.test/' }],
    ['a POST without Origin, Sec-Fetch-Site cross-site', 'POST', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a POST without Origin, Sec-Fetch-Site same-site', 'POST', { 'Sec-Fetch-Site': 'same-site' }],
    [
      'a POST from a foreign Origin that claims same-origin in Sec-Fetch-Site',
      'POST',
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-origin' },
    ],
    [
      'a JSON POST from a foreign Origin (which hono/csrf lets through)',
      'POST',
      { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
    ],
    [
      'a text/plain POST from a foreign Origin',
      'POST',
      { Origin: 'https://evil.example', 'Content-Type': 'text/plain' },
    ],
    [
      'a JSON POST without Origin, Sec-Fetch-Site cross-site',
      'POST',
      { 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' },
    ],
  ])('answers 403 general_unknown_origin to %s, before the handler', async (_, method, headers) => {
    const { app, hits } = setup({ allowedOrigins: ['https://front.test'] });
    const body = headers['Content-Type'] ? '{"name":"x"}' : undefined;
    await expectRejected(await app.request(URL_, { method, headers, body }), hits());
  });

  it('trusts no other origin by default', async () => {
    const { app, hits } = setup();
    await expectRejected(
      await app.request(URL_, { method: 'POST', headers: { Origin: 'https://front.test' } }),
      hits(),
    );
  });

  it('compares against publicOrigin, not the request URL, when it is set', async () => {
    const fixed = setup({ publicOrigin: 'https://public.test' });
    await expectPassed(
      await fixed.app.request(URL_, { method: 'POST', headers: { Origin: 'https://public.test' } }),
      fixed.hits(),
    );
    const other = setup({ publicOrigin: 'https://public.test' });
    await expectRejected(
      await other.app.request(URL_, { method: 'POST', headers: { Origin: 'http://app.test' } }),
      other.hits(),
    );
  });

  it('copies allowedOrigins at creation, so pushing to the array later widens nothing', async () => {
    const allowed = ['https://front.test'];
    const { app } = setup({ allowedOrigins: allowed });
    allowed.push('https://evil.example');
    const response = await app.request(URL_, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
  });
});
