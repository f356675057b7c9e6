// A fake Appwrite that answers the worker's routes correctly when healthy and misbehaves on demand:
// refuses connections, drops them, hangs, stalls a body, resets mid-body, truncates JSON, answers
// non-JSON or Appwrite 5xx. For the fault-injection matrix (test/worker/upstream-faults.test.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the upstream does wrong. */
export type Fault =
  | 'refused' // nothing listens on the port: ECONNREFUSED
  | 'drop' // the connection is closed as soon as a request arrives, before any answer
  | 'hang' // the request is read, never answered
  | 'stall' // 200 headers and the start of a JSON body, then silence
  | 'reset' // 200 headers and half a JSON body, then the connection is torn down
  | 'truncated' // 200 with a complete but cut-off JSON body
  | 'non-json-200' // 200 text/html: a captive portal or a misrouted proxy
  | 'html-502' // a proxy's HTML 502 page
  | 'json-500' // Appwrite's own 500 general_unknown
  | 'json-503'; // Appwrite's own 503 general_service_disabled (maintenance)

export type Mode = Fault | 'healthy';

/** In every body the upstream sends when faulty: a worker's answer must never contain it. */
export const UPSTREAM_MARKER = 'UPSTREAM-BODY-MARKER';

/** The session secret the healthy upstream hands out (the worker puts it in the session cookie). */
export const UPSTREAM_SESSION_SECRET = 'upstream-session-secret-of-user-a';

export interface FaultyUpstream {
  /** `http://127.0.0.1:<port>/v1`, for `APPWRITE_ENDPOINT`. */
  readonly endpoint: string;
  /** `METHOD /path` of every request received (query strings dropped), oldest first. */
  readonly calls: string[];
  /**
   * Switches behaviour. `only` limits the fault to requests whose `METHOD /path` matches it (the
   * others are answered healthily), e.g. to fail the second of two Appwrite calls. `refused` closes
   * the listening socket (and every open connection); leaving it listens again on the same port.
   */
  set(mode: Mode, options?: { only?: RegExp }): Promise<void>;
  close(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const user = (email = '') => ({
  $id: 'user-a',
  $createdAt: '2025-01-01T00:00:00.000+00:00',
  $updatedAt: '2025-01-01T00:00:00.000+00:00',
  name: '',
  email,
  status: true,
  labels: [],
  prefs: {},
});

const session = () => ({
  $id: 'session-a',
  $createdAt: new Date().toISOString(),
  userId: 'user-a',
  expire: new Date(Date.now() + 86_400_000).toISOString(),
  provider: 'email',
  current: true,
  secret: UPSTREAM_SESSION_SECRET,
});

const base64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT shaped like Appwrite's (the worker reads its `exp`, never verifies it here). */
const jwt = () =>
  `${base64Url({ alg: 'HS256', typ: 'JWT' })}.${base64Url({
    userId: 'user-a',
    sessionId: 'session-a',
    exp: Math.floor(Date.now() / 1000) + 900,
  })}.c2lnbmF0dXJl`;

/** Appwrite's answers to the calls the worker makes, as node-appwrite 27 sends them. */
const healthy = (call: string, response: ServerResponse) => {
  if (call === 'POST /v1/account') return json(response, 201, user('user-a@example.com'));
  if (call === 'GET /v1/account') return json(response, 200, user());
  if (call === 'PATCH /v1/account/email') return json(response, 200, user('user-a@example.com'));
  if (call === 'POST /v1/account/jwts') return json(response, 201, { jwt: jwt() });
  if (call === 'DELETE /v1/account/sessions/current') return response.writeHead(204).end();
  if (
    call === 'POST /v1/account/sessions/email' ||
    call === 'POST /v1/account/sessions/anonymous' ||
    call === 'POST /v1/account/sessions/token'
  ) {
    return json(response, 201, session());
  }
  if (call === 'GET /v1/account/tokens/oauth2/github') {
    response
      .writeHead(301, {
        location: 'https://github.com/login/oauth/authorize?client_id=demo&state=appwrite-state',
      })
      .end();
    return;
  }
  if (/^GET \/v1\/tablesdb\/[^/]+\/tables\/[^/]+\/rows$/.test(call)) {
    return json(response, 200, { total: 0, rows: [] });
  }
  json(response, 404, { message: `No fake for ${call}`, code: 404, type: 'general_route_not_found' });
};

const faulty = (fault: Exclude<Fault, 'refused'>, request: IncomingMessage, response: ServerResponse) => {
  switch (fault) {
    case 'drop':
      request.socket.destroy();
      return;
    case 'hang':
      return;
    case 'stall':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      response.write(`{"$id":"user-a","name":"${UPSTREAM_MARKER}",`);
      return;
    case 'reset':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      response.write(`{"$id":"user-a","name":"${UPSTREAM_MARKER}",`);
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    case 'truncated':
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"$id":"user-a","name":"${UPSTREAM_MARKER}","email":`);
      return;
    case 'non-json-200':
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><body>${UPSTREAM_MARKER}: sign in to the hotel wifi</body></html>`);
      return;
    case 'html-502':
      response
        .writeHead(502, { 'content-type': 'text/html' })
        .end(`<html><body>${UPSTREAM_MARKER}: bad gateway</body></html>`);
      return;
    case 'json-500':
      json(response, 500, {
        message: `${UPSTREAM_MARKER}: server error`,
        code: 500,
        type: 'general_unknown',
      });
      return;
    case 'json-503':
      json(response, 503, {
        message: `${UPSTREAM_MARKER}: maintenance`,
        code: 503,
        type: 'general_service_disabled',
      });
      return;
  }
};

/** Starts a fake Appwrite on a free port of 127.0.0.1, healthy. */
export const startFaultyUpstream = async (): Promise<FaultyUpstream> => {
  let mode: Mode = 'healthy';
  let only: RegExp | undefined;
  const calls: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    const call = `${request.method} ${new URL(request.url ?? '/', 'http://upstream').pathname}`;
    calls.push(call);
    if (mode === 'healthy' || mode === 'refused' || (only && !only.test(call))) {
      healthy(call, response);
      return;
    }
    faulty(mode, request, response);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/v1`,
    calls,
    async set(next, options = {}) {
      if (next === 'refused' && server.listening) await stop();
      if (next !== 'refused' && !server.listening) await listen(port);
      mode = next;
      only = options.only;
    },
    async close() {
      if (server.listening) await stop();
    },
  };
};
