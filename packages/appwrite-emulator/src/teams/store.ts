/** Reads and changes of a project's teams that several routes share (Teams and Users APIs). */
import type { Project } from '../model.ts';
import type { Membership, Team } from './model.ts';

/** A membership together with the team it belongs to. */
export interface TeamMembership {
  team: Team;
  membership: Membership;
}

/** Appwrite's team `total`: the number of confirmed members. */
export const teamTotal = (team: Team): number =>
  [...team.memberships.values()].filter((membership) => membership.confirm).length;

/** Finds a membership by ID in any of the project's teams. */
export const findMembership = (project: Project, membershipId: string): TeamMembership | null => {
  for (const team of project.teams.values()) {
    const membership = team.memberships.get(membershipId);
    if (membership) return { team, membership };
  }
  return null;
};

/**
 * Every membership of a user, confirmed or not, in team then creation order — what
 * `GET /users/:userId/memberships` lists.
 */
export const userMemberships = (project: Project, userId: string): TeamMembership[] => {
  const found: TeamMembership[] = [];
  for (const team of project.teams.values()) {
    for (const membership of team.memberships.values()) {
      if (membership.userId === userId) found.push({ team, membership });
    }
  }
  return found;
};

/** Removes every membership of a user, as Appwrite does when the user is deleted. */
export const deleteUserMemberships = (project: Project, userId: string): void => {
  for (const { team, membership } of userMemberships(project, userId)) team.memberships.delete(membership.id);
};

/** Whether the user is a confirmed member of the team holding `role` (any role when omitted). */
export const hasTeamRole = (team: Team, userId: string, role?: string): boolean =>
  [...team.memberships.values()].some(
    (membership) =>
      membership.userId === userId &&
      membership.confirm &&
      (role === undefined || membership.roles.includes(role)),
  );
