/**
 * appwrite-emulator: Appwrite 1.9's REST API for Account, Users, Teams and TablesDB, in memory,
 * for hermetic tests and offline development. `startAppwriteEmulator` serves it on 127.0.0.1;
 * `createEmulatorApp` is the same API as a Hono app for in-process requests.
 */
export { createEmulatorApp } from './app.ts';
export { AdjustableClock, type Clock, systemClock } from './clock.ts';
export { createEmulatorContext, type EmulatorContext, type EmulatorOptions } from './context.ts';
export { APPWRITE_VERSION, AppwriteError } from './errors.ts';
export { ALL_KEY_SCOPES, buildState, DEMO_SEED, loadSeedFile, type Seed, seedSchema } from './seed.ts';
export { type AppwriteEmulator, type AppwriteEmulatorOptions, startAppwriteEmulator } from './server.ts';
export { type CertificateAuthority, createLocalCA, writeCaCertificate } from './tls.ts';
