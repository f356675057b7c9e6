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

  describe('a form post with neither Origin nor Sec-Fetch-Site (browsers too old to send them)', () => {
    const FORM_TYPES = [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=UTF-8',
      'multipart/form-data; boundary=----x',
      'Multipart/Form-Data; boundary=----x',
      'text/plain',
      'text/plain;charset=utf-8',
      'text/plain ; charset=utf-8',
    ];

    it.each(FORM_TYPES)('answers 403 to %s without a Referer', async (type) => {
      const { app, hits } = setup({ allowedOrigins: ['https://front.test'] });
      await expectRejected(
        await app.request(URL_, { method: 'POST', headers: { 'Content-Type': type }, body: 'a=1' }),
        hits(),
      );
    });

    it.each([
      ['a foreign Referer', 'https://evil.example/page'],
      ['a Referer on a sibling subdomain', 'http://sub.app.test/'],
      ['a Referer on our host over another scheme', 'https://app.test/'],
      ['a Referer that is not a URL', 'not a url'],
      ['a relative Referer', '/login'],
      ['a non-http Referer', 'file:///tmp/page.html'],
      ['a blob: Referer naming our origin', 'blob:http://app.test/0d5b4f4e-1111-2222-3333-444455556666'],
      ['a Referer on our host with credentials in front of another host', 'http://app.test@evil.example/'],
    ])('answers 403 to a form post with %s', async (_, referer) => {
      const { app, hits } = setup({ allowedOrigins: ['https://front.test'] });
      await expectRejected(
        await app.request(URL_, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: referer },
          body: 'a=1',
        }),
        hits(),
      );
    });

    it.each([
      ['a same-origin Referer with a path and query', 'http://app.test/login?next=/me'],
      ['an allow-listed Referer', 'https://front.test/form'],
    ])('lets a form post with %s through', async (_, referer) => {
      const { app, hits } = setup({ allowedOrigins: ['https://front.test'] });
      await expectPassed(
        await app.request(URL_, {
          method: 'POST',
          headers: { 'Content-Type': 'multipart/form-data; boundary=x', Referer: referer },
          body: '--x--',
        }),
        hits(),
      );
    });

    it.each<[string, Record<string, string>]>([
      ['a JSON post', { 'Content-Type': 'application/json' }],
      ['a post without a body or type', {}],
      [
        'a JSON post with a foreign Referer (Referer only matters for form types)',
        { 'Content-Type': 'application/json', Referer: 'https://evil.example/' },
      ],
    ])('lets %s through: not a browser form, so no ambient cookie is abused', async (_, headers) => {
      const { app, hits } = setup();
      await expectPassed(
        await app.request(URL_, {
          method: 'POST',
          headers,
          ...(headers['Content-Type'] ? { body: '{}' } : {}),
        }),
        hits(),
      );
    });

    it('lets Sec-Fetch-Site same-origin decide before the Referer', async () => {
      const { app, hits } = setup();
      await expectPassed(
        await app.request(URL_, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'same-origin' },
          body: 'x',
        }),
        hits(),
      );
    });
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
