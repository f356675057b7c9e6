#!/usr/bin/env node
/**
 * `appwrite-emulator [--port 8788] [--https] [--seed FILE] [--no-rate-limits] [--jwt-key KEY]`
 * Starts the Appwrite emulator on 127.0.0.1 and prints how to connect to it.
 */
import { parseArgs } from 'node:util';
import { loadSeedFile, type Seed } from './seed.ts';
import { startAppwriteEmulator } from './server.ts';

const usage = `Usage: appwrite-emulator [--port 8788] [--https] [--seed FILE] [--no-rate-limits] [--jwt-key KEY]
  --port N           port on 127.0.0.1 (default: $EMULATOR_PORT or 8788; 0 picks a free one)
  --https            serve TLS with a local CA generated at start (its PEM path is printed)
  --seed FILE        load this seed (JSON) instead of the demo project
  --no-rate-limits   do not enforce Appwrite's rate limits (for load tests)
  --jwt-key KEY      sign JWTs with this HS256 key (default: random); or $EMULATOR_JWT_KEY`;

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      https: { type: 'boolean', default: false },
      seed: { type: 'string' },
      'no-rate-limits': { type: 'boolean', default: false },
      'jwt-key': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const portText = (values.port ?? process.env.EMULATOR_PORT ?? '8788').trim();
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`Invalid port: ${portText}`);
  const seed: Seed | undefined = values.seed ? await loadSeedFile(values.seed) : undefined;
  const emulator = await startAppwriteEmulator({
    port,
    https: values.https,
    seed,
    rateLimits: !values['no-rate-limits'],
    jwtKey: values['jwt-key'] ?? process.env.EMULATOR_JWT_KEY,
  });

  const lines = [
    `Appwrite emulator (API 1.9) listening on ${emulator.origin}`,
    `  endpoint:   ${emulator.endpoint}`,
    `  project:    ${emulator.projectId}`,
  ];
  // The demo key is public knowledge; a custom seed's keys are not printed.
  if (!seed)
    lines.push(
      '  API key:    demo-api-key',
      '  users:      user-a@example.com / password-a (also user-b, user-c)',
    );
  if (emulator.caCertPath) {
    lines.push(
      `  CA cert:    ${emulator.caCertPath}`,
      `  trust it:   NODE_EXTRA_CA_CERTS=${emulator.caCertPath} (Node)  SSL_CERT_FILE=${emulator.caCertPath} (workerd)`,
    );
  }
  if (values['no-rate-limits']) lines.push('  rate limits: off');
  console.log(lines.join('\n'));

  const shutdown = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.error(usage);
  process.exit(1);
});
