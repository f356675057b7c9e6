// Deno entry: `npm run start:deno`. Needs APPWRITE_* in the environment (e.g. `npm run emulator`).
import process from 'node:process';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen?: () => void },
    handler: typeof app.fetch,
  ): unknown;
};

const app = createApp(parseConfig(process.env));
const port = Number(process.env.PORT ?? 8787);
Deno.serve(
  {
    port,
    hostname: '127.0.0.1',
    onListen: () => console.log(`hono-appwrite (Deno) listening on http://127.0.0.1:${port}`),
  },
  app.fetch,
);
