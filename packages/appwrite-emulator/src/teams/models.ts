/** The Team and Membership response models. */
import { formatDate, formatOptionalDate } from '../clock.ts';
import type { Project } from '../model.ts';
import type { Membership, Team } from './model.ts';
import { teamTotal } from './store.ts';

/** The Team model. */
export const teamModel = (team: Team): Record<string, unknown> => ({
  $id: team.id,
  $createdAt: formatDate(team.createdAt),
  $updatedAt: formatDate(team.updatedAt),
  name: team.name,
  total: teamTotal(team),
  prefs: { ...team.prefs },
});

/**
 * The Membership model. `teamName` comes from `team`, the team named in the request (which Appwrite
 * uses even where it does not check the membership belongs to it). User details follow Appwrite's
 * membership privacy defaults of a new project (all shown); `userPhone` is only filled by the list
 * route, as in Appwrite 1.9, and the member's `mfa` is false since the emulator has no MFA.
 */
export const membershipModel = (
  project: Project,
  team: Team,
  membership: Membership,
  options: { withPhone?: boolean } = {},
): Record<string, unknown> => {
  const user = project.users.get(membership.userId);
  return {
    $id: membership.id,
    $createdAt: formatDate(membership.createdAt),
    $updatedAt: formatDate(membership.updatedAt),
    userId: membership.userId,
    userName: user?.name ?? '',
    userEmail: user?.email ?? '',
    userPhone: options.withPhone ? (user?.phone ?? '') : '',
    teamId: membership.teamId,
    teamName: team.name,
    invited: formatDate(membership.invited),
    joined: formatOptionalDate(membership.joined),
    confirm: membership.confirm,
    mfa: false,
    userAccessedAt: '',
    roles: [...membership.roles],
  };
};
