import { rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { createEmulatorApp } from './app.ts';
import { answerClientErrorsAsJson } from './client-error.ts';
import { createEmulatorContext, type EmulatorContext, type EmulatorOptions } from './context.ts';
import { randomHex } from './crypto.ts';
import { DEMO_SEED, type Seed } from './seed.ts';
import {
  type CertificateAuthority,
  createLocalCA,
  issueServerCertificate,
  writeCaCertificate,
} from './tls.ts';

export interface AppwriteEmulatorOptions extends EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Serve HTTPS. `true` generates a local CA and a certificate at start; pass `{ ca }` to sign
   * with an existing CA instead (e.g. one a test runner already put in `NODE_EXTRA_CA_CERTS`).
   */
  https?: boolean | { ca: CertificateAuthority };
  /**
   * The host name in `endpoint` and `origin`: `localhost` (the default with `https`, matching the
   * certificate) or `127.0.0.1` (the default for HTTP). The server binds 127.0.0.1 either way.
   * `localhost` puts the emulator on another site than a worker at `127.0.0.1`, as Appwrite is in
   * production, so browsers apply their cross-site cookie rules. The emulator answers requests
   * addressed to it and to the other loopback names (`localhost`, `127.0.0.1`, `[::1]`) only.
   */
  hostname?: 'localhost' | '127.0.0.1';
}

export interface AppwriteEmulator {
  /** The API endpoint for SDKs, e.g. `http://127.0.0.1:8788/v1`. */
  endpoint: string;
  /** The first project of the seed (`demo` for the demo seed). */
  projectId: string;
  /**
   * An API key of that project with every scope: the seed's first key of the project, or one
   * generated at start when the seed gives it none.
   */
  apiKey: string;
  /** Scheme, host and port, e.g. `https://localhost:8788`. */
  origin: string;
  /**
   * The outbox's maildev-style API, e.g. `http://127.0.0.1:8788/_emulator/maildev`: `GET
   * ${maildev}/email` lists every email the emulator sent (verification, recovery, magic URL, OTP,
   * team invitations), oldest first.
   */
  maildev: string;
  port: number;
  /** The CA certificate to trust (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`); only with `https`. */
  caCertPath?: string;
  /** The emulator's state, clock and rate limiter, for in-process tests. */
  context: EmulatorContext;
  /** Moves the emulator's clock forward by `seconds` (expire JWTs and sessions without sleeping). */
  advanceClock(seconds: number): void;
  /** Restores the seed data and clears rate-limit counters. */
  reset(): Promise<void>;
  /** Stops the server and removes a generated CA file. */
  stop(): Promise<void>;
  /** `stop()`, for `await using emulator = await startAppwriteEmulator()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The seed with an API key on its first project, generating one when it has none. */
const withApiKey = (seed: Seed): { seed: Seed; projectId: string; apiKey: string } => {
  const [first, ...others] = seed.projects;
  if (!first) throw new Error('The seed has no project.');
  const existing = first.apiKeys?.[0]?.secret;
  if (existing !== undefined) return { seed, projectId: first.id, apiKey: existing };
  const apiKey = `emulator-${randomHex(32)}`;
  const keyed = { ...first, apiKeys: [{ name: 'emulator', secret: apiKey }] };
  return { seed: { ...seed, projects: [keyed, ...others] }, projectId: first.id, apiKey };
};

/**
 * Starts the Appwrite emulator on 127.0.0.1 (never on other interfaces).
 *
 * @example
 * await using emulator = await startAppwriteEmulator();
 * const client = new Client()
 *   .setEndpoint(emulator.endpoint)
 *   .setProject(emulator.projectId)
 *   .setKey(emulator.apiKey);
 */
export const startAppwriteEmulator = async (
  options: AppwriteEmulatorOptions = {},
): Promise<AppwriteEmulator> => {
  const { seed, projectId, apiKey } = withApiKey(options.seed ?? DEMO_SEED);
  const context = await createEmulatorContext({ ...options, seed });
  // `localhost` by default with TLS so that hostname checks pass against the certificate.
  const hostname = options.hostname ?? (options.https ? 'localhost' : '127.0.0.1');
  const app = createEmulatorApp(context, { allowedHosts: [hostname] });
  let tls: { key: string; cert: string } | undefined;
  let caCertPath: string | undefined;
  let ownsCaFile = false;
  if (options.https) {
    const ca = options.https === true ? await createLocalCA() : options.https.ca;
    tls = await issueServerCertificate(ca);
    caCertPath = await writeCaCertificate(ca);
    ownsCaFile = true;
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 0,
        hostname: '127.0.0.1',
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      () => resolve(started),
    );
    started.once('error', reject);
    answerClientErrorsAsJson(started);
    // Node closes an idle keep-alive connection after 5 s by default; a client that picks that
    // connection from its pool at the same moment loses its request ("network connection lost").
    // Servers in front of Appwrite keep idle connections far longer, so clients close them first.
    if ('keepAliveTimeout' in started) {
      started.keepAliveTimeout = 120_000;
      started.headersTimeout = 125_000;
    }
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${tls ? 'https' : 'http'}://${hostname}:${port}`;
  // One shutdown however often it is asked for (`stop()` and then the end of an `await using` block).
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      if (ownsCaFile && caCertPath) await rm(dirname(caCertPath), { recursive: true, force: true });
    })();
    return stopping;
  };
  return {
    endpoint: `${origin}/v1`,
    maildev: `${origin}/_emulator/maildev`,
    projectId,
    apiKey,
    origin,
    port,
    caCertPath,
    context,
    advanceClock: (seconds) => context.clock.advance(seconds),
    reset: () => context.reset(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
};
