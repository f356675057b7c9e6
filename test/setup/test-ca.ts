import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type CertificateAuthority, createLocalCA, writeCaCertificate } from 'appwrite-emulator';

/** The run's test CA and the files that make each runtime trust it. */
export interface TestCa {
  ca: CertificateAuthority;
  /** PEM of the CA alone: DENO_CERT (Deno). */
  certPath: string;
  /**
   * System roots plus the CA: SSL_CERT_FILE for workerd, which replaces its trust store with it, and
   * NODE_EXTRA_CA_CERTS (Node, Bun), which must keep trusting what the machine trusts (the package
   * registry, possibly behind an intercepting proxy) for the commands the suites run, such as npm.
   */
  bundlePath: string;
}

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const KEY = Symbol.for('hono-appwrite.test-ca');

/**
 * One local CA per test run, shared by every project's global setup (they run in one process), and
 * exported to the environment before any test process or workerd starts: these variables are read
 * once, at process start.
 */
export const testCa = (): Promise<TestCa> => {
  const store = globalThis as { [KEY]?: Promise<TestCa> };
  store[KEY] ??= (async () => {
    const ca = await createLocalCA();
    const certPath = await writeCaCertificate(ca);
    const bundlePath = join(dirname(certPath), 'bundle.pem');
    const system = existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, 'utf8') : '';
    await writeFile(bundlePath, `${system}\n${ca.cert}\n`);
    process.env.NODE_EXTRA_CA_CERTS = bundlePath;
    process.env.SSL_CERT_FILE = bundlePath;
    process.once('exit', () => rmSync(dirname(certPath), { recursive: true, force: true }));
    return { ca, certPath, bundlePath };
  })();
  return store[KEY];
};
