// Cloudflare Workers entry (module worker). `wrangler.toml` aliases `undici` to the platform's fetch.
import { env } from 'cloudflare:workers';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

export default createApp(parseConfig(env));
