// Node entry: `npm start`. Without APPWRITE_ENDPOINT it starts the embedded Appwrite emulator (demo seed).
import { serve } from '@hono/node-server';
import { startEmulator } from '../emulator/index.ts';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

const emulator = process.env.APPWRITE_ENDPOINT ? undefined : await startEmulator({ port: 0 });
const demo = {
  APPWRITE_PROJECT_ID: 'demo',
  APPWRITE_API_KEY: 'demo-api-key',
  OAUTH_PROVIDERS: 'github,google',
};
const config = parseConfig(
  emulator ? { ...demo, ...process.env, APPWRITE_ENDPOINT: emulator.endpoint } : process.env,
);
serve(
  { fetch: createApp(config).fetch, port: Number(process.env.PORT ?? 8787), hostname: '127.0.0.1' },
  (info) => {
    console.log(`hono-appwrite listening on http://127.0.0.1:${info.port}`);
    if (emulator)
      console.log(
        `Appwrite emulator at ${emulator.endpoint} (project demo, API key demo-api-key; users user-a@example.com / password-a, user-b, user-c)`,
      );
  },
);
