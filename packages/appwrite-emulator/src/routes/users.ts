import { Hono } from 'hono';
import type { EmulatorEnv } from '../auth.ts';
import { usersCreateRoutes } from './users-create.ts';
import { usersManageRoutes } from './users-manage.ts';
import { usersSessionsRoutes } from './users-sessions.ts';

/**
 * Users API (API keys with `users.*` scopes): creating users (plain or imported password hashes),
 * listing, reading, updating and deleting them, and their sessions, tokens, JWTs, memberships and
 * targets. Creation routes come first so `/users/md5` and friends are never read as a user ID.
 */
export const usersRoutes = new Hono<EmulatorEnv>()
  .route('/', usersCreateRoutes)
  .route('/', usersManageRoutes)
  .route('/', usersSessionsRoutes);
