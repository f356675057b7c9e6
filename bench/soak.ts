// `npm run soak`: 1,000,000 mixed requests to the Node worker at bounded concurrency, against the
// emulator, after a warm-up. Passes when no request fails (no connection error, no timeout, no
// 5xx, only the statuses each request is meant to get) and RSS grows by less than 10 %.
// Not part of `npm test` (~10 minutes). Writes bench/results/soak.json.
import { mkdir, writeFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { freePort, startProcess } from '../test/support/servers.ts';
import { rssGrowth, sampleRss } from './rss.ts';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 1_000_000);
const WARM_UP = Number(process.env.SOAK_WARM_UP ?? 200_000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 10);
const PROJECT = 'demo';
const KEY = 'demo-api-key';
const ROWS = '/tables/642f358bf4084c662590/642f3592aa5fc856ad1e/rows';
// The limiter runs on every limited request (memory store) but no budget runs out in the soak.
const HUGE = '1000000/60';

const log = (line: string) => process.stderr.write(`${line}\n`);

const main = async () => {
  const emulatorPort = await freePort();
  const emulator = await startProcess({
    command: process.execPath,
    args: ['packages/appwrite-emulator/src/cli.ts', '--port', String(emulatorPort), '--no-rate-limits'],
    env: {},
    port: emulatorPort,
    healthPath: '/v1/health/version',
  });
  const worker = await startProcess({
    command: process.execPath,
    // As `npm start` runs it (package.json): V8's old space capped at 256 MiB. Uncapped, V8 lets
    // the heap grow lazily under this allocation rate (RSS +22 % over the run while the live heap,
    // measured after forced GCs, stays at ~50 MiB).
    args: ['--max-old-space-size=256', '--import', 'tsx', 'runtimes/node.ts'],
    env: {
      // V8 flags for the worker only (e.g. SOAK_WORKER_NODE_OPTIONS=--max-old-space-size=256).
      NODE_OPTIONS: process.env.SOAK_WORKER_NODE_OPTIONS ?? '',
      APPWRITE_ENDPOINT: `${emulator.base}/v1`,
      APPWRITE_PROJECT_ID: PROJECT,
      APPWRITE_API_KEY: KEY,
      ...Object.fromEntries(
        ['LOGIN', 'LOGIN_EMAIL', 'SIGNUP', 'GUEST', 'OAUTH', 'OAUTH_CALLBACK', 'JWT'].map((rule) => [
          `RATE_LIMIT_${rule}`,
          HUGE,
        ]),
      ),
    },
  });
  try {
    // A session for user-a through the worker, and a JWT minted with it.
    const login = await fetch(`${worker.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
    });
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const { jwt } = (await (
      await fetch(`${worker.base}/auth/jwt`, { method: 'POST', headers: { cookie } })
    ).json()) as {
      jwt: string;
    };
    const bearer = { authorization: `Bearer ${jwt}` };
    // One round of the mix: each connection cycles through it. Every request has its expected status.
    const mix: {
      method: 'GET' | 'POST';
      path: string;
      headers?: Record<string, string>;
      body?: string;
      expect: number;
    }[] = [
      { method: 'GET', path: '/me', headers: bearer, expect: 200 },
      { method: 'GET', path: '/me', headers: { cookie }, expect: 200 },
      { method: 'GET', path: ROWS, headers: bearer, expect: 200 },
      {
        method: 'GET',
        path: `${ROWS}?queries[]=${encodeURIComponent('{"method":"limit","values":[1]}')}`,
        headers: { cookie },
        expect: 200,
      },
      { method: 'POST', path: '/auth/jwt', headers: { cookie }, expect: 200 },
      { method: 'GET', path: '/health', expect: 200 },
      {
        method: 'POST',
        path: '/auth/login',
        headers: { 'content-type': 'application/json' },
        body: '{"email": "broken',
        expect: 400,
      },
      { method: 'GET', path: '/me', headers: { authorization: 'Bearer not.a.jwt' }, expect: 401 },
      { method: 'GET', path: '/nowhere', expect: 404 },
      { method: 'GET', path: '/login', expect: 200 },
    ];
    // A wrong password makes the emulator run its KDF (Argon2id at Appwrite's cost), so a login with
    // the API key path, the limiter and a 401 comes once per 20 rounds of the cheap requests.
    mix.push(...Array.from({ length: 19 }, () => mix.slice(0, 10)).flat(), {
      method: 'POST',
      path: '/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'user-b@example.com', password: 'not-the-password' }),
      expect: 401,
    });
    const expected = new Set(mix.map((request) => request.expect));
    const run = (amount: number) =>
      autocannon({
        url: worker.base,
        connections: CONNECTIONS,
        amount,
        timeout: 10,
        requests: mix.map(({ expect: _expect, ...request }) => request),
      });
    const check = (name: string, result: autocannon.Result) => {
      const statuses = Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]),
      );
      const unexpected = Object.keys(statuses).filter((code) => !expected.has(Number(code)));
      log(
        `${name}: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, statuses ${JSON.stringify(statuses)}`,
      );
      return { statuses, unexpected, errors: result.errors, timeouts: result.timeouts };
    };

    const rss = sampleRss(worker.pid);
    log(`warm-up: ${WARM_UP.toLocaleString('en')} requests…`);
    const warm = check('warm-up', await run(WARM_UP));
    rss.mark();
    log(`soak: ${REQUESTS.toLocaleString('en')} mixed requests at ${CONNECTIONS} connections…`);
    const started = Date.now();
    const soak = check('soak', await run(REQUESTS));
    const seconds = (Date.now() - started) / 1000;
    const [warmSamples = [], soakSamples = []] = rss.stop();
    const memory = rssGrowth(warmSamples, soakSamples);
    const failures = soak.errors + soak.timeouts + soak.unexpected.length + warm.errors + warm.timeouts;
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      settings: { requests: REQUESTS, warmUp: WARM_UP, connections: CONNECTIONS, mix: mix.length },
      seconds,
      soak,
      memory,
      pass: failures === 0 && memory.growthPercent < 10,
    };
    await mkdir('bench/results', { recursive: true });
    await writeFile('bench/results/soak.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      [
        `${REQUESTS.toLocaleString('en')} mixed requests in ${seconds.toFixed(0)} s (${Math.round(REQUESTS / seconds)} req/s), ${CONNECTIONS} connections`,
        `statuses: ${JSON.stringify(soak.statuses)}; unexpected: ${soak.unexpected.length ? soak.unexpected.join(', ') : 'none'}; errors ${soak.errors}; timeouts ${soak.timeouts}`,
        `RSS level ${memory.rssBeforeMiB.toFixed(1)} → ${memory.rssAfterMiB.toFixed(1)} MiB (${memory.growthPercent.toFixed(1)} %, target < 10 %); peak ${memory.rssPeakMiB.toFixed(1)} MiB`,
        results.pass ? 'PASS' : 'FAIL',
        'written: bench/results/soak.json',
      ].join('\n'),
    );
    if (!results.pass) process.exitCode = 1;
  } finally {
    // For diagnosis (e.g. with NODE_OPTIONS=--expose-gc and a heap logger): the worker's own output.
    if (process.env.SOAK_WORKER_OUTPUT) process.stderr.write(worker.output());
    await worker.stop();
    await emulator.stop();
  }
};

await main();
