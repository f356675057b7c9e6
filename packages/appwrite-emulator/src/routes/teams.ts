import { Hono } from 'hono';
import type { EmulatorEnv } from '../auth.ts';

/** Teams API: teams and memberships, whose roles become `team:` and `member:` permissions. */
export const teamsRoutes = new Hono<EmulatorEnv>();
