// A trivial Appwrite stand-in for throughput runs: `GET /v1/account` answers a fixed user when a
// JWT or session header is present (401 otherwise), nothing else. It measures what the worker adds,
// not what the emulator costs. `GET /_stats` → {requests}. Run: PORT=… node bench/trivial-upstream.ts
import { createServer } from 'node:http';

const user = JSON.stringify({
  $id: 'user-a',
  $createdAt: '2026-01-01T00:00:00.000+00:00',
  $updatedAt: '2026-01-01T00:00:00.000+00:00',
  name: 'User A',
  registration: '2026-01-01T00:00:00.000+00:00',
  status: true,
  labels: [],
  passwordUpdate: '',
  email: 'user-a@example.com',
  phone: '',
  emailVerification: false,
  phoneVerification: false,
  mfa: false,
  prefs: {},
  targets: [],
  accessedAt: '2026-01-01T00:00:00.000+00:00',
});
const unauthorized = JSON.stringify({
  message: 'No session',
  code: 401,
  type: 'user_unauthorized',
  version: '1.9.0',
});
let requests = 0;

createServer((request, response) => {
  if (request.url === '/_stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests }));
    return;
  }
  requests++;
  if (request.url === '/v1/health/version') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.9.0"}');
    return;
  }
  const signedIn = Boolean(request.headers['x-appwrite-jwt'] || request.headers['x-appwrite-session']);
  if (request.method === 'GET' && request.url === '/v1/account' && signedIn) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(user);
    return;
  }
  response.writeHead(401, { 'content-type': 'application/json' }).end(unauthorized);
}).listen(Number(process.env.PORT ?? 8790), '127.0.0.1');
