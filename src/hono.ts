// The Hono class of the app and its sub-apps: hono's base class with the TrieRouter only.
// The default `hono` entry routes through SmartRouter, which first compiles a RegExpRouter; that
// one cannot hold `/auth/oauth/:provider` beside `/auth/oauth/callback`, so SmartRouter settles on
// TrieRouter at the first request anyway. Going there directly keeps RegExpRouter and SmartRouter
// out of the Workers bundle and changes no match.
import type { HonoOptions } from 'hono/hono-base';
import { HonoBase } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { BlankEnv, BlankSchema, Env, Schema } from 'hono/types';

/** `Hono` from `hono`, always on the TrieRouter (options other than `router` are passed on). */
export class Hono<
  E extends Env = BlankEnv,
  S extends Schema = BlankSchema,
  BasePath extends string = '/',
> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = options.router ?? new TrieRouter();
  }
}
