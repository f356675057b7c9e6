// `npm start`: the app on Node, with an embedded Appwrite emulator when APPWRITE_ENDPOINT is unset.
import { configOrExit } from '../src/config.ts';
import { demoEnvironment } from '../src/demo.ts';
import { serveNode } from '../src/node-server.ts';

const { env, banner } = await demoEnvironment(process.env);
await serveNode(configOrExit(env), Number(process.env.PORT ?? 8787), banner);
