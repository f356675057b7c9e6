// `npm start` without APPWRITE_ENDPOINT: an Appwrite emulator in this process, with the demo seed.
import { startAppwriteEmulator } from 'appwrite-emulator';

const DEMO = {
  APPWRITE_PROJECT_ID: 'demo',
  APPWRITE_API_KEY: 'demo-api-key',
  OAUTH_PROVIDERS: 'github,google',
  HOME_TABLE: '642f358bf4084c662590/642f3592aa5fc856ad1e',
};

/** The environment to run on: `env` itself when it names an Appwrite, else the demo's, with what to print. */
export const demoEnvironment = async (
  env: Record<string, string | undefined>,
): Promise<{ env: Record<string, string | undefined>; banner: string[] }> => {
  if (env.APPWRITE_ENDPOINT) return { env, banner: [] };
  // On `localhost`, another site than the app's 127.0.0.1, as Appwrite is in production.
  const emulator = await startAppwriteEmulator({ port: 0, hostname: 'localhost' });
  return {
    env: { ...DEMO, ...env, APPWRITE_ENDPOINT: emulator.endpoint },
    banner: [
      `Appwrite emulator at ${emulator.endpoint} (project demo, API key demo-api-key)`,
      'Demo users: user-a@example.com / password-a, user-b@example.com / password-b, user-c@example.com / password-c',
    ],
  };
};
