// `npm run bench`: how fast the worker serves auth-scoped requests, against the physical limit (a
// direct call to the same upstream) and the Appwrite docs' Express pattern. Not part of `npm test`.
//
// Throughput and latency run against a trivial upstream (bench/trivial-upstream.ts), so that the
// numbers show what each target adds; upstream call counts use the emulator (rate limits off).
// Every target is its own process, warmed up, then measured in
// alternating rounds (A, B, C, … then again) so that drift of a shared machine hits all alike:
// - req/s at BENCH_CONNECTIONS connections, and upstream calls per request (emulator). The load
//   comes from wrk (Debian's `wrk`) when it is installed, else autocannon (npm); BENCH_LOADGEN
//   chooses. wrk is written in C: on a small machine autocannon's own JavaScript takes a large
//   share of the cores the targets need (docs/performance.md says which one was used);
// - CPU time of the target's process per request (Linux /proc), which depends far less on the
//   load generator and the machine's other work than req/s does;
// - p50/p99 latency at one connection: sequential requests on one keep-alive connection, timed
//   in microseconds (autocannon's histogram is in whole milliseconds, too coarse here).
// Then the Workers bundle size and the worker's RSS level over BENCH_SOAK requests. Prints a table and
// writes bench/results/latest.json and bench/results/chart.svg.
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sign } from 'hono/jwt';
import { Client as UndiciClient } from 'undici';
import { freePort, type SpawnedServer, startProcess } from '../test/support/servers.ts';
import { rssGrowth, sampleRss } from './rss.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 3000);
const SOAK = Number(process.env.BENCH_SOAK ?? 1_000_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const SOAK_WARMUP = Number(process.env.BENCH_SOAK_WARMUP ?? 400_000);
// Only the targets whose names contain one of these (separated by |, as names hold commas); default all.
const ONLY = (process.env.BENCH_ONLY ?? '').split('|').filter(Boolean);
// Another checkout of this repository (with its node_modules), whose Node worker is measured beside
// this one's, uncached and cached, in the same alternating rounds: `BENCH_BASELINE=../old`.
const BASELINE = process.env.BENCH_BASELINE;
const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary fails to spawn.
    return (error as { code?: unknown }).code !== 'ENOENT';
  }
})();
const LOADGEN = process.env.BENCH_LOADGEN ?? (hasWrk ? 'wrk' : 'autocannon');
if (LOADGEN !== 'wrk' && LOADGEN !== 'autocannon') throw new Error('BENCH_LOADGEN: wrk or autocannon');
if (LOADGEN === 'wrk' && !hasWrk)
  throw new Error('BENCH_LOADGEN=wrk, but wrk is not installed (apt-get install wrk)');
const PROJECT = 'demo';
const KEY = 'demo-api-key';
const BIN = join(process.cwd(), 'node_modules', '.bin');
// The trivial upstream accepts any JWT; the worker with APPWRITE_JWT_KEY checks this key's signature.
const JWT_KEY = 'bench-jwt-key';

type Target = {
  name: string;
  /** The process that serves it, whose CPU time is measured. */
  pid: () => number;
  base: () => string;
  path: string;
  headers: () => Record<string, string>;
};

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The emulator, alone on its port, without rate limits (a load test would trip them). */
const startEmulatorProcess = async () => {
  const port = await freePort();
  return startProcess({
    command: process.execPath,
    args: ['packages/appwrite-emulator/src/cli.ts', '--port', String(port), '--no-rate-limits'],
    env: {},
    port,
    healthPath: '/v1/health/version',
  });
};

const emulatorJson = async (emulator: SpawnedServer, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${emulator.base}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT, ...init.headers },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};

/** A fresh session for user-a (API key, as the worker does) and a JWT minted with it. */
const credentials = async (emulator: SpawnedServer) => {
  const session = await emulatorJson(emulator, '/v1/account/sessions/email', {
    method: 'POST',
    headers: { 'x-appwrite-key': KEY },
    body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
  });
  const secret = String(session.secret);
  const { jwt } = await emulatorJson(emulator, '/v1/account/jwts', {
    method: 'POST',
    headers: { 'x-appwrite-session': secret },
  });
  return { secret, jwt: String(jwt) };
};

/** Requests an upstream (the emulator or the trivial one) has served so far. */
const upstreamRequests = async (upstream: SpawnedServer) => {
  const trivial = upstream.base === trivialBase;
  const response = await fetch(`${upstream.base}${trivial ? '/_stats' : '/_emulator/stats'}`, {
    headers: { 'x-appwrite-project': PROJECT, 'x-appwrite-key': KEY },
  });
  return Number(((await response.json()) as { requests: number }).requests);
};
let trivialBase = '';

/** The trivial upstream (bench/trivial-upstream.ts): a fixed user for any JWT. */
const startTrivialUpstream = async () => {
  const port = await freePort();
  const server = await startProcess({
    command: process.execPath,
    args: ['bench/trivial-upstream.ts'],
    env: {},
    port,
    healthPath: '/v1/health/version',
  });
  trivialBase = server.base;
  return server;
};

/** CPU time (user + system, all threads) of `pid` so far, in microseconds; NaN off Linux. */
const cpuMicros = async (pid: number): Promise<number> => {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
};

/** `duration` seconds of load on `url` at CONNECTIONS connections: requests answered and errors. */
const load = async (url: string, headers: Record<string, string>, duration: number) => {
  if (LOADGEN === 'autocannon') {
    const result = await autocannon({ url, connections: CONNECTIONS, duration, headers });
    return { total: result.requests.total, seconds: result.duration, failed: result.non2xx + result.errors };
  }
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  const output = await new Promise<string>((resolve, reject) =>
    execFile('wrk', [...args, url], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  const total = Number(/(\d+) requests in/.exec(output)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const failed =
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0) +
    (socketErrors ? socketErrors.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0);
  if (!total || !rps) throw new Error(`wrk: unreadable output:\n${output}`);
  return { total, seconds: total / rps, failed };
};

/** req/s at CONNECTIONS connections for DURATION seconds, CPU per request, upstream calls per request. */
const throughput = async (target: Target, upstream: SpawnedServer) => {
  const before = await upstreamRequests(upstream);
  const cpuBefore = await cpuMicros(target.pid());
  const result = await load(`${target.base()}${target.path}`, target.headers(), DURATION);
  const cpuAfter = await cpuMicros(target.pid());
  const after = await upstreamRequests(upstream);
  const { total } = result;
  if (result.failed) throw new Error(`${target.name}: ${result.failed} failed requests (non-2xx or errors)`);
  return {
    rps: total / result.seconds,
    cpuPerRequest: (cpuAfter - cpuBefore) / total,
    upstreamPerRequest: (after - before) / total,
    total,
  };
};

/** p50/p99 in milliseconds of sequential requests over one keep-alive connection. */
const latency = async (target: Target) => {
  const url = new URL(`${target.base()}${target.path}`);
  const client = new UndiciClient(url.origin, { pipelining: 1 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < LATENCY_SAMPLES + 200; i++) {
      const started = performance.now();
      const response = await client.request({
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: target.headers(),
      });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${target.name}: ${response.statusCode}`);
      if (i >= 200) samples.push(performance.now() - started); // the first 200 warm up
    }
  } finally {
    await client.close();
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const bundleGzipKiB = () => {
  const output = execFileSync(join(BIN, 'wrangler'), ['deploy', '--dry-run', '--outdir', 'dist/worker'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(/gzip:\s*([\d.]+)\s*KiB/.exec(output)?.[1] ?? Number.NaN);
};

const chart = (rows: { name: string; rps: number; p50: number }[]) => {
  const width = 760;
  const barHeight = 28;
  const left = 250;
  const max = Math.max(...rows.map((row) => row.rps));
  const height = rows.length * (barHeight + 12) + 60;
  const bars = rows
    .map((row, i) => {
      const y = 40 + i * (barHeight + 12);
      const w = Math.max(2, ((width - left - 150) * row.rps) / max);
      return [
        `<text x="${left - 10}" y="${y + 19}" text-anchor="end">${row.name}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#c2185b" rx="3"/>`,
        `<text x="${left + w + 8}" y="${y + 19}">${Math.round(row.rps).toLocaleString('en')} req/s · p50 ${row.p50.toFixed(2)} ms</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
<title>GET /me throughput and p50 latency per target (npm run bench)</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left}" y="22" font-weight="600">GET /me (Bearer JWT), ${LOADGEN}, ${CONNECTIONS} connections — median of ${ROUNDS} rounds; p50 at 1 connection</text>
${bars}
</svg>
`;
};

const main = async () => {
  log('starting the upstreams and the targets…');
  const emulator = await startEmulatorProcess();
  const trivial = await startTrivialUpstream();
  const envFor = (upstream: SpawnedServer) => ({
    APPWRITE_ENDPOINT: `${upstream.base}/v1`,
    APPWRITE_PROJECT_ID: PROJECT,
    APPWRITE_API_KEY: KEY,
  });
  const servers: Record<string, SpawnedServer> = {};
  const start = async (name: string, command: string, args: string[], extra: Record<string, string> = {}) => {
    servers[name] = await startProcess({ command, args, env: { ...envFor(trivial), ...extra } });
  };
  // As `npm start` runs it (package.json), V8's old space capped at 256 MiB.
  const nodeWorker = ['--max-old-space-size=256', '--import', 'tsx', 'runtimes/node.ts'];
  await start('worker-node', process.execPath, nodeWorker);
  await start('worker-node-fetch', process.execPath, nodeWorker, { APPWRITE_TRANSPORT: 'fetch' });
  await start('worker-bun', join(BIN, 'bun'), ['runtimes/bun.ts']);
  await start('express-reference', process.execPath, ['bench/express-reference.ts']);
  await start('express-bun', join(BIN, 'bun'), ['bench/express-reference.ts']);
  await start('worker-bun-cache', join(BIN, 'bun'), ['runtimes/bun.ts'], {
    IDENTITY_CACHE_TTL_SECONDS: '60',
  });
  await start('worker-node-cache', process.execPath, nodeWorker, { IDENTITY_CACHE_TTL_SECONDS: '60' });
  if (BASELINE) {
    const baselineWorker = [
      '--max-old-space-size=256',
      '--import',
      'tsx',
      join(BASELINE, 'runtimes/node.ts'),
    ];
    await start('baseline-node', process.execPath, baselineWorker);
    await start('baseline-node-cache', process.execPath, baselineWorker, {
      IDENTITY_CACHE_TTL_SECONDS: '60',
    });
  }
  await start('worker-node-local', process.execPath, nodeWorker, {
    APPWRITE_JWT_KEY: JWT_KEY,
    IDENTITY_CACHE_TTL_SECONDS: '60',
  });
  // Against the emulator: counts upstream calls of login, cookie /me and rows with real data.
  // Its JWT rule is off: the load on POST /auth/jwt below measures the mint cache, not the limiter.
  await start('worker-node-emulator', process.execPath, nodeWorker, {
    ...envFor(emulator),
    RATE_LIMIT_JWT: 'off',
  });

  let creds = await credentials(emulator);
  const exp = () => Math.floor(Date.now() / 1000) + 900;
  let benchJwt = await sign({ userId: 'user-a', sessionId: 'bench', exp: exp() }, JWT_KEY, 'HS256');
  const bearer = () => ({ authorization: `Bearer ${benchJwt}` });
  const emulatorBearer = () => ({ authorization: `Bearer ${creds.jwt}` });
  /** A target served by one of `servers`, asked `GET /me` with the bench's Bearer JWT. */
  const me = (name: string, server: string): Target => ({
    name,
    pid: () => servers[server]?.pid ?? 0,
    base: () => servers[server]?.base ?? '',
    path: '/me',
    headers: bearer,
  });
  const targets: Target[] = [
    {
      name: 'direct GET /v1/account',
      pid: () => trivial.pid,
      base: () => trivial.base,
      path: '/v1/account',
      headers: () => ({ 'x-appwrite-project': PROJECT, 'x-appwrite-jwt': benchJwt }),
    },
    me('worker on Node (pool)', 'worker-node'),
    me('worker on Node (undici fetch)', 'worker-node-fetch'),
    me('Express + node-appwrite on Node', 'express-reference'),
    me('worker on Bun', 'worker-bun'),
    me('Express + node-appwrite on Bun', 'express-bun'),
    me('worker on Node, identity cache', 'worker-node-cache'),
    me('worker on Node, local JWT + cache', 'worker-node-local'),
    me('worker on Bun, identity cache', 'worker-bun-cache'),
    ...(BASELINE
      ? [
          me('baseline: worker on Node (pool)', 'baseline-node'),
          me('baseline: worker on Node, identity cache', 'baseline-node-cache'),
        ]
      : []),
  ].filter((target) => ONLY.length === 0 || ONLY.some((part) => target.name.includes(part)));

  // Warm-up: JIT compilers and connection pools reach their steady state before anything counts.
  for (const target of targets) await load(`${target.base()}${target.path}`, target.headers(), WARMUP);

  const runs = new Map<
    string,
    { rps: number[]; cpu: number[]; p50: number[]; p99: number[]; upstream: number[] }
  >();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // JWTs last 15 minutes: fresh ones per round.
      creds = await credentials(emulator);
      benchJwt = await sign({ userId: 'user-a', sessionId: 'bench', exp: exp() }, JWT_KEY, 'HS256');
      for (const target of targets) {
        const { rps, cpuPerRequest, upstreamPerRequest } = await throughput(target, trivial);
        const { p50, p99 } = await latency(target);
        const entry = runs.get(target.name) ?? { rps: [], cpu: [], p50: [], p99: [], upstream: [] };
        entry.rps.push(rps);
        entry.cpu.push(cpuPerRequest);
        entry.p50.push(p50);
        entry.p99.push(p99);
        entry.upstream.push(upstreamPerRequest);
        runs.set(target.name, entry);
        log(
          `round ${round} ${target.name}: ${Math.round(rps)} req/s, ${cpuPerRequest.toFixed(1)} µs CPU/request, p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms, ${upstreamPerRequest.toFixed(2)} upstream/request`,
        );
      }
    }

    // Upstream calls of the other paths, one request each, against the emulator's real data.
    const workerBase = servers['worker-node-emulator']?.base ?? '';
    const count = async (send: () => Promise<Response>) => {
      const before = await upstreamRequests(emulator);
      const response = await send();
      await response.arrayBuffer();
      if (!response.ok && response.status !== 303) throw new Error(`${response.url}: ${response.status}`);
      return (await upstreamRequests(emulator)) - before;
    };
    const login = await count(() =>
      fetch(`${workerBase}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'user-a@example.com', password: 'password-a' }),
      }),
    );
    const cookieMe = await count(() =>
      fetch(`${workerBase}/me`, { headers: { cookie: `a_session_${PROJECT}=${creds.secret}` } }),
    );
    const rows = await count(() =>
      fetch(`${workerBase}/tables/642f358bf4084c662590/642f3592aa5fc856ad1e/rows`, {
        headers: emulatorBearer(),
      }),
    );
    const formLogin = await count(() =>
      fetch(`${workerBase}/auth/login`, {
        method: 'POST',
        redirect: 'manual',
        // A browser's form post: its Origin is the page's (a form post without Origin, Sec-Fetch-Site
        // or a trusted Referer is refused).
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: workerBase },
        body: new URLSearchParams({ email: 'user-a@example.com', password: 'password-a' }),
      }),
    );

    // The JWT minting cache under load: DURATION seconds of POST /auth/jwt for one session at
    // CONNECTIONS connections. Appwrite's JWTs last 15 minutes and the cache hands one out while it
    // has more than a minute left: one mint per session per ~14 minutes, however many requests.
    const sessionCookie = `a_session_${PROJECT}=${creds.secret}`;
    const mintsBefore = await upstreamRequests(emulator);
    const jwtLoad = await autocannon({
      url: `${workerBase}/auth/jwt`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: DURATION,
      headers: { cookie: sessionCookie },
    });
    if (jwtLoad.non2xx || jwtLoad.errors) {
      throw new Error(`/auth/jwt: ${jwtLoad.non2xx} non-2xx answers, ${jwtLoad.errors} errors`);
    }
    const jwtMinting = {
      requests: jwtLoad.requests.total,
      rps: jwtLoad.requests.total / jwtLoad.duration,
      mints: (await upstreamRequests(emulator)) - mintsBefore,
    };
    log(
      `POST /auth/jwt: ${jwtMinting.requests} requests (${Math.round(jwtMinting.rps)} req/s), ${jwtMinting.mints} mint(s)`,
    );

    // Memory over a long run: RSS of the Node worker after a warm-up, then after SOAK requests.
    // Spawned directly (not through npm), so the process is the runtime itself.
    const pid = servers['worker-node']?.pid ?? 0;
    const soakBase = servers['worker-node']?.base ?? '';
    let soak: ({ warmUp: number; requests: number } & ReturnType<typeof rssGrowth>) | undefined;
    if (SOAK > 0) {
      log(`soak: ${SOAK.toLocaleString('en')} requests to the Node worker…`);
      benchJwt = await sign({ userId: 'user-a', sessionId: 'bench', exp: exp() }, JWT_KEY, 'HS256');
      const url = `${soakBase}/me`;
      // A long warm-up first: V8 grows its heap and the allocator keeps pages during the first
      // ~40 s of load (measured with forced GCs: the live heap stays at ~48 MiB while RSS climbs
      // to its plateau, then holds within 1 %). RSS is sampled every second and compared as
      // levels (bench/rss.ts).
      const rss = sampleRss(pid);
      await autocannon({ url, connections: CONNECTIONS, amount: SOAK_WARMUP, headers: bearer() });
      rss.mark();
      const result = await autocannon({ url, connections: CONNECTIONS, amount: SOAK, headers: bearer() });
      const [warmSamples = [], soakSamples = []] = rss.stop();
      if (result.non2xx || result.errors)
        throw new Error(`soak: ${result.non2xx} non-2xx, ${result.errors} errors`);
      soak = { warmUp: SOAK_WARMUP, requests: result.requests.total, ...rssGrowth(warmSamples, soakSamples) };
    }

    const summary = targets.map((target) => {
      const entry = runs.get(target.name) ?? { rps: [0], cpu: [0], p50: [0], p99: [0], upstream: [0] };
      return {
        name: target.name,
        rps: median(entry.rps),
        cpuPerRequest: median(entry.cpu),
        p50: median(entry.p50),
        p99: median(entry.p99),
        upstreamPerRequest: median(entry.upstream),
        rounds: entry,
      };
    });
    const byName = (name: string) => summary.find((row) => row.name === name);
    const direct = byName('direct GET /v1/account');
    const node = byName('worker on Node (pool)');
    const express = byName('Express + node-appwrite on Node');
    const bun = byName('worker on Bun');
    const expressBun = byName('Express + node-appwrite on Bun');
    const ratio = (a: { rps: number } | undefined, b: { rps: number } | undefined) =>
      a && b ? a.rps / b.rps : Number.NaN;
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      settings: {
        durationSeconds: DURATION,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        latencySamples: LATENCY_SAMPLES,
        warmupSeconds: WARMUP,
        loadGenerator: LOADGEN,
      },
      targets: summary,
      checks: {
        nodeVsExpress: ratio(node, express),
        bunVsExpressBun: ratio(bun, expressBun),
        addedP50Ms: node && direct ? node.p50 - direct.p50 : Number.NaN,
        upstreamCalls: {
          bearerMe: node?.upstreamPerRequest,
          cookieMe,
          bearerRows: rows,
          jsonLogin: login,
          formLogin,
        },
        jwtMinting,
        cachedVsUncached: ratio(byName('worker on Node, identity cache'), node),
        localVsUncached: ratio(byName('worker on Node, local JWT + cache'), node),
        bunCachedVsUncached: ratio(byName('worker on Bun, identity cache'), bun),
        workersBundleGzipKiB: bundleGzipKiB(),
        soak,
      },
    };
    await mkdir('bench/results', { recursive: true });
    await writeFile('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
    await writeFile('bench/results/chart.svg', chart(summary));

    const lines = [
      `| target (GET /me, Bearer) | req/s (${CONNECTIONS} conn.) | CPU µs/request | p50 ms (1 conn.) | p99 ms (1 conn.) | upstream calls/request |`,
      '|---|---:|---:|---:|---:|---:|',
      ...summary.map(
        (row) =>
          `| ${row.name} | ${Math.round(row.rps).toLocaleString('en')} | ${row.cpuPerRequest.toFixed(1)} | ${row.p50.toFixed(3)} | ${row.p99.toFixed(3)} | ${row.upstreamPerRequest.toFixed(2)} |`,
      ),
      '',
      `load: ${LOADGEN}, ${CONNECTIONS} connections, ${WARMUP} s warm-up per target, median of ${ROUNDS} rounds of ${DURATION} s`,
      `worker on Node (pool) vs Express + node-appwrite on Node: ${results.checks.nodeVsExpress.toFixed(2)}× req/s (target ≥ 2.5×); on Bun: ${results.checks.bunVsExpressBun.toFixed(2)}×`,
      `added p50 over the direct call at 1 connection: ${results.checks.addedP50Ms.toFixed(3)} ms (target ≤ 0.2 ms)`,
      `identity cache vs uncached: ${results.checks.cachedVsUncached.toFixed(2)}×; local JWT + cache: ${results.checks.localVsUncached.toFixed(2)}×; on Bun, identity cache: ${results.checks.bunCachedVsUncached.toFixed(2)}× (target ≥ 10×)`,
      `upstream calls: Bearer /me ${node?.upstreamPerRequest.toFixed(2)}, cookie /me ${cookieMe}, Bearer rows ${rows}, login ${formLogin} (form) / ${login} (JSON)`,
      `JWT minting under load: ${jwtMinting.mints} mint(s) for ${jwtMinting.requests.toLocaleString('en')} POST /auth/jwt of one session (${Math.round(jwtMinting.rps).toLocaleString('en')} req/s)`,
      `Workers bundle: ${results.checks.workersBundleGzipKiB} KiB gzip (target ≤ 50)`,
      soak
        ? `RSS level over ${soak.requests.toLocaleString('en')} requests after ${soak.warmUp.toLocaleString('en')} to warm up: ${soak.rssBeforeMiB.toFixed(1)} → ${soak.rssAfterMiB.toFixed(1)} MiB (${soak.growthPercent.toFixed(1)} %, target < 10 %); peak ${soak.rssPeakMiB.toFixed(1)} MiB`
        : 'soak skipped (BENCH_SOAK=0)',
      '',
      'written: bench/results/latest.json, bench/results/chart.svg',
    ];
    console.log(lines.join('\n'));
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await Promise.all([emulator.stop(), trivial.stop()]);
  }
};

await main();
