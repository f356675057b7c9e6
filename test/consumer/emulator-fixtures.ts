// The programs a stranger writes against the packed appwrite-emulator, kept as text: they run in
// the consumer's own project, never through this repository's tsc or Biome.

/**
 * The programmatic API end to end: start, act through the unmodified SDK, move the clock, reset,
 * and dispose. Prints one JSON line of what it observed.
 */
export const API_MJS = `import { startAppwriteEmulator } from 'appwrite-emulator';
import { Account, AppwriteException, Client, ID, Users } from 'node-appwrite';

const emulator = await startAppwriteEmulator();
const seen = {};
try {
  const admin = new Client().setEndpoint(emulator.endpoint).setProject(emulator.projectId).setKey(emulator.apiKey);
  const users = new Users(admin);
  await users.create({ userId: 'consumer', email: 'consumer@example.com', password: 'consumer-password' });
  const session = await new Account(admin).createEmailPasswordSession({ email: 'consumer@example.com', password: 'consumer-password' });
  const asUser = new Client().setEndpoint(emulator.endpoint).setProject(emulator.projectId).setSession(session.secret);
  seen.email = (await new Account(asUser).get()).email;
  const { jwt } = await new Account(asUser).createJWT({ duration: 60 });
  const withJwt = new Client().setEndpoint(emulator.endpoint).setProject(emulator.projectId).setJWT(jwt);
  seen.jwtUser = (await new Account(withJwt).get()).$id;
  emulator.advanceClock(61);
  seen.expired = await new Account(withJwt).get().then(() => 'accepted', (e) => (e instanceof AppwriteException ? e.type : String(e)));
  await emulator.reset();
  seen.afterReset = await users.get({ userId: 'consumer' }).then(() => 'found', (e) => e.type);
  seen.seedUsers = (await users.list()).total;
  seen.id = ID.unique().length;
} finally {
  await emulator[Symbol.asyncDispose]();
}
seen.stoppedUrl = await fetch(emulator.endpoint + '/health/version').then(() => 'answered', () => 'refused');
console.log(JSON.stringify(seen));
`;

/** The same program's types: what the consumer's strict tsc checks. */
export const API_TS = `import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import { Client, Users } from 'node-appwrite';

const emulator: AppwriteEmulator = await startAppwriteEmulator({ rateLimits: false });
const admin = new Client().setEndpoint(emulator.endpoint).setProject(emulator.projectId).setKey(emulator.apiKey);
await new Users(admin).list();
emulator.advanceClock(60);
await emulator.reset();
await emulator[Symbol.asyncDispose]();
`;
