/** What the caller may see and do in a project's teams, as Appwrite's document permissions decide. */
import type { Context } from 'hono';
import type { EmulatorEnv } from '../auth.ts';
import { AppwriteError } from '../errors.ts';
import type { Membership, Team } from './model.ts';
import { findMembership, hasTeamRole, type TeamMembership } from './store.ts';

/**
 * The team the request names, if the caller may read it: API keys read every team, a user only
 * the teams it is a confirmed member of (`read("team:<id>")`). Otherwise 404 team_not_found.
 */
export const visibleTeam = (c: Context<EmulatorEnv>, teamId: string): Team => {
  const { caller, project } = c.var;
  const team = project.teams.get(teamId);
  const visible =
    team && (caller.kind === 'key' || (caller.kind === 'user' && hasTeamRole(team, caller.user.id)));
  if (!team || !visible) throw new AppwriteError('team_not_found');
  return team;
};

/** Whether the caller holds `team:<id>/owner`; API keys act as the app and need no role. */
export const isOwnerOrKey = (c: Context<EmulatorEnv>, team: Team): boolean => {
  const caller = c.var.caller;
  return caller.kind === 'key' || (caller.kind === 'user' && hasTeamRole(team, caller.user.id, 'owner'));
};

/** A team document's `update` / `delete` permission: `team:<id>/owner` (keys skip the check). */
export const requireOwner = (c: Context<EmulatorEnv>, team: Team): void => {
  if (!isOwnerOrKey(c, team)) throw new AppwriteError('user_unauthorized');
};

/**
 * Whether the caller may read a membership document: invitations are `read("any")`; the creator's
 * own membership is readable by that user and by the team's members.
 */
const canRead = (c: Context<EmulatorEnv>, { team, membership }: TeamMembership): boolean => {
  const caller = c.var.caller;
  if (caller.kind === 'key' || membership.readableByAny) return true;
  return (
    caller.kind === 'user' && (membership.userId === caller.user.id || hasTeamRole(team, caller.user.id))
  );
};

/** A membership by ID if the caller may read it, wherever it belongs (Appwrite looks it up by ID alone). */
export const readableMembership = (c: Context<EmulatorEnv>, membershipId: string): TeamMembership | null => {
  const found = findMembership(c.var.project, membershipId);
  return found && canRead(c, found) ? found : null;
};

/** A membership's `update` / `delete` permission: the member itself or an owner of its team. */
export const canWriteMembership = (c: Context<EmulatorEnv>, team: Team, membership: Membership): boolean => {
  const caller = c.var.caller;
  if (caller.kind === 'key') return true;
  return (
    caller.kind === 'user' &&
    (membership.userId === caller.user.id || hasTeamRole(team, caller.user.id, 'owner'))
  );
};
