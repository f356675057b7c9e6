import type { TestProject } from 'vitest/node';
import { testCa } from './test-ca.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test CA (certificate and key) that HTTPS emulators sign their certificates with. */
    testCa: { cert: string; key: string };
  }
}

/** One local CA for the whole run: HTTPS emulators started by tests sign with it, Node trusts it. */
export default async function setup(project: TestProject) {
  const { ca } = await testCa();
  project.provide('testCa', ca);
}
