import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import type { TestProject } from 'vitest/node';
import { testCa } from './test-ca.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoint of the emulator the workerd project's worker talks to. */
    workerdEmulatorEndpoint: string;
  }
}

/**
 * Starts the emulator for a workerd project before Miniflare starts workerd: over HTTPS (signed by
 * the run's CA, trusted by workerd through SSL_CERT_FILE) when the project's name ends in `https`.
 */
export default async function setup(project: TestProject) {
  const { ca } = await testCa();
  const https = project.name.endsWith('https');
  const emulator: AppwriteEmulator = await startAppwriteEmulator({ https: https ? { ca } : false });
  project.provide('workerdEmulatorEndpoint', emulator.endpoint);
  return () => emulator.stop();
}
