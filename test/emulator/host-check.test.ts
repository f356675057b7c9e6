// DNS rebinding: a web page whose name resolves to 127.0.0.1 must not reach a running emulator (and
// its public demo API key). The emulator answers only requests addressed to a loopback name.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import {
  type AppwriteEmulator,
  createEmulatorApp,
  createEmulatorContext,
  type EmulatorContext,
  startAppwriteEmulator,
} from 'appwrite-emulator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_KEY, PROJECT } from '../support/demo.ts';
import { PROTOCOLS } from './helpers.ts';

const KEY = { 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY };
const REBOUND_HOSTS = [
  'evil.example',
  'evil.example:8788',
  '127.0.0.1.evil.example',
  'localhost.evil.example:8788',
  'localhost:8788.evil.example',
  '127.0.0.1:8788, evil.example',
  '',
];
const LOOPBACK_HOSTS = [
  'localhost:8788',
  '127.0.0.1:8788',
  '[::1]:8788',
  'localhost',
  'LocalHost:80',
  '[::1]',
];

const expectRefused = async (response: Response) => {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ code: 403, type: 'general_unknown_origin' });
  expect(body.message).toMatch(/only answers requests addressed to localhost, 127\.0\.0\.1, \[::1\]/);
};

describe('createEmulatorApp: the Host check (in process)', () => {
  let context: EmulatorContext;
  beforeAll(async () => {
    context = await createEmulatorContext();
  });
  const app = (allowedHosts?: string[]) => createEmulatorApp(context, allowedHosts ? { allowedHosts } : {});
  const call = (path: string, host?: string, init: RequestInit = {}) =>
    app().request(`http://127.0.0.1:8788${path}`, {
      ...init,
      headers: { ...KEY, ...(host === undefined ? {} : { host }) },
    });

  it.each(REBOUND_HOSTS)('returns 403 general_unknown_origin for Host %j on the API', async (host) => {
    await expectRefused(await call('/v1/health/version', host));
  });

  it.each(REBOUND_HOSTS)('returns 403 for Host %j on the control API, even with an API key', async (host) => {
    await expectRefused(await call('/_emulator/stats', host));
  });

  it('never runs a refused control request: the clock does not move', async () => {
    const before = context.clock.now();
    const response = await call('/_emulator/clock', 'evil.example:8788', {
      method: 'POST',
      body: JSON.stringify({ advance: 3600 }),
    });
    await expectRefused(response);
    expect(context.clock.now() - before).toBeLessThan(3_600_000);
  });

  it('returns 403 for a URL addressed to another name, without a Host header', async () => {
    await expectRefused(await app().request('http://evil.example/v1/health/version'));
  });

  it('refuses unknown routes too, before the 404', async () => {
    await expectRefused(await call('/nowhere', 'evil.example'));
  });

  it.each(LOOPBACK_HOSTS)('serves Host %j (any port)', async (host) => {
    const response = await call('/v1/health/version', host);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ version: '1.9.6' });
  });

  it('serves an in-process request without a Host header, addressed to 127.0.0.1', async () => {
    expect((await app().request('http://127.0.0.1/v1/health/version')).status).toBe(200);
  });

  it('serves the control API on a loopback Host', async () => {
    expect((await call('/_emulator/stats', 'localhost:8788')).status).toBe(200);
  });

  it('serves a configured host name, with or without a port, and still refuses others', async () => {
    const configured = app(['Emulator.Test']);
    const get = (host: string) =>
      configured.request('http://127.0.0.1/v1/health/version', { headers: { host } });
    expect((await get('emulator.test:8788')).status).toBe(200);
    expect((await get('emulator.test')).status).toBe(200);
    await expectRefused(await get('emulator.test.evil.example'));
  });

  it.each(['emulator.test:8788', 'http://emulator.test', '', 'a b'])(
    'throws for allowedHosts entry %j, which is not a bare host name',
    (host) => {
      expect(() => app([host])).toThrow(/allowedHosts/);
    },
  );
});

/** A raw request with a forged Host header (fetch does not let a caller set Host). */
const rawGet = (emulator: AppwriteEmulator, path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; contentType: string | undefined; body: string }>((resolve, reject) => {
    const https = emulator.origin.startsWith('https:');
    const call = (https ? httpsRequest : httpRequest)(
      {
        host: '127.0.0.1',
        port: emulator.port,
        path,
        headers,
        setHost: false,
        ...(https ? { servername: 'localhost' } : {}),
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body }),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });

describe.each(PROTOCOLS)('startAppwriteEmulator over %s: the Host check on the wire', (protocol) => {
  let emulator: AppwriteEmulator;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator({
      https: protocol === 'https' ? { ca: inject('testCa') } : false,
      hostname: 'localhost',
    });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('returns 403 JSON for a forged Host on the API and on the control API', async () => {
    for (const path of ['/v1/health/version', '/_emulator/stats']) {
      const refused = await rawGet(emulator, path, { ...KEY, host: `evil.example:${emulator.port}` });
      expect(refused.status).toBe(403);
      expect(refused.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 403, type: 'general_unknown_origin' });
    }
  });

  it('returns 403 for an absolute-form target naming another host, whatever the Host header', async () => {
    const refused = await rawGet(emulator, 'http://evil.example/v1/health/version', { host: 'localhost' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 403, type: 'general_unknown_origin' });
  });

  it('serves the configured host name and the other loopback names, with the port', async () => {
    for (const name of ['localhost', '127.0.0.1', '[::1]']) {
      const served = await rawGet(emulator, '/v1/health/version', { host: `${name}:${emulator.port}` });
      expect(served.status).toBe(200);
    }
    expect((await fetch(`${emulator.endpoint}/health/version`)).status).toBe(200);
  });
});

describe('startAppwriteEmulator over http: requests without a Host header', () => {
  let emulator: AppwriteEmulator;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('returns 403 JSON for an empty Host header', async () => {
    const refused = await rawGet(emulator, '/v1/health/version', { host: '' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 403, type: 'general_unknown_origin' });
  });

  it('returns 403 JSON for an HTTP/1.0 request without Host (Node fills in the bound address)', async () => {
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(emulator.port, '127.0.0.1');
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
      });
      socket.on('error', reject);
      socket.on('end', () => resolve(data));
      socket.write('GET /v1/health/version HTTP/1.0\r\n\r\n');
    });
    const [head = '', body = ''] = response.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.[01] 403 /);
    expect(JSON.parse(body)).toMatchObject({ code: 403, type: 'general_unknown_origin' });
  });
});
