// Node entry for production (`npm run build && npm run start:prod`): APPWRITE_* must be set.
import { configOrExit } from '../src/config.ts';
import { serveNode } from '../src/node-server.ts';

await serveNode(configOrExit(process.env), Number(process.env.PORT ?? 8787));
