import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLocalCA, writeCaCertificate } from '../../emulator/tls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test CA (certificate and key) that HTTPS emulators sign their certificates with. */
    testCa: { cert: string; key: string };
  }
}

/** One local CA for the whole run: HTTPS emulators started by tests sign with it, Node trusts it. */
export default async function setup(project: TestProject) {
  const ca = await createLocalCA();
  const certPath = await writeCaCertificate(ca);
  process.env.NODE_EXTRA_CA_CERTS = certPath;
  project.provide('testCa', ca);
  return async () => {
    await rm(dirname(certPath), { recursive: true, force: true });
  };
}
