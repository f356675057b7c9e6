/** The `teams` part of a seed file: teams with their memberships. */
import { z } from 'zod';
import { sha256, uniqueId } from '../crypto.ts';
import type { Project } from '../model.ts';
import type { Team } from './model.ts';

const id = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/, 'IDs are 1-36 chars of a-z, A-Z, 0-9, . _ -');
const role = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/, 'roles are 1-81 chars of a-z, A-Z, 0-9, . _ -');

/**
 * Seeded teams. Each membership names a seeded user; it is confirmed unless `confirm` is false,
 * in which case it is an open invitation that `secret` (if given) accepts.
 */
export const teamSeedSchema = z
  .array(
    z.object({
      id,
      name: z.string().max(128),
      prefs: z.record(z.string(), z.unknown()).default({}),
      memberships: z
        .array(
          z.object({
            id: id.optional(),
            userId: id,
            roles: z.array(role).max(100).default([]),
            confirm: z.boolean().default(true),
            secret: z.string().min(1).max(256).optional(),
          }),
        )
        .default([]),
    }),
  )
  .default([]);

/** Adds the seeded teams to a project whose users are already in place. */
export const seedTeams = (project: Project, teams: z.output<typeof teamSeedSchema>, now: number): void => {
  for (const t of teams) {
    if (project.teams.has(t.id)) throw new Error(`Seed: duplicate team ${t.id} in project ${project.id}`);
    const team: Team = {
      id: t.id,
      createdAt: now,
      updatedAt: now,
      name: t.name,
      prefs: t.prefs,
      memberships: new Map(),
    };
    for (const m of t.memberships) {
      if (!project.users.has(m.userId)) throw new Error(`Seed: team ${t.id} names unknown user ${m.userId}`);
      if ([...team.memberships.values()].some((other) => other.userId === m.userId)) {
        throw new Error(`Seed: user ${m.userId} is in team ${t.id} twice`);
      }
      const membershipId = m.id ?? uniqueId(now);
      if ([...project.teams.values(), team].some((other) => other.memberships.has(membershipId))) {
        throw new Error(`Seed: duplicate membership ${membershipId} in project ${project.id}`);
      }
      team.memberships.set(membershipId, {
        id: membershipId,
        createdAt: now,
        updatedAt: now,
        teamId: t.id,
        userId: m.userId,
        roles: m.roles,
        invited: now,
        joined: m.confirm ? now : null,
        confirm: m.confirm,
        secretHash: m.secret ? sha256(m.secret) : null,
        readableByAny: true,
      });
    }
    project.teams.set(team.id, team);
  }
};
