/**
 * The local Appwrite emulator: Appwrite 1.9's REST API for accounts, sessions, JWTs, OAuth2
 * tokens, users and TablesDB rows, in memory, for offline development and hermetic tests.
 */
export { createEmulatorApp } from './app.ts';
export { AdjustableClock, type Clock, systemClock } from './clock.ts';
export { createEmulatorContext, type EmulatorContext, type EmulatorOptions } from './context.ts';
export { APPWRITE_VERSION, AppwriteError } from './errors.ts';
export { ALL_KEY_SCOPES, buildState, DEMO_SEED, loadSeedFile, type Seed, seedSchema } from './seed.ts';
export { type AppwriteEmulator, type AppwriteEmulatorOptions, startAppwriteEmulator } from './server.ts';
export { type CertificateAuthority, createLocalCA, writeCaCertificate } from './tls.ts';
