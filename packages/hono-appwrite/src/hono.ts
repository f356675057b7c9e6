// The Hono class of the library's sub-apps: hono's base class on the TrieRouter. Their routes are
// copied into the app that mounts them, so their own router only serves a sub-app used alone; the
// TrieRouter is the one hono's default SmartRouter settles on for these routes, and an app that
// already uses it carries no second router in its bundle.
import { HonoBase } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { Env } from 'hono/types';

/** `Hono` on the TrieRouter. */
export class Hono<E extends Env> extends HonoBase<E> {
  constructor() {
    super({ router: new TrieRouter() });
  }
}
