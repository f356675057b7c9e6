/** Appwrite's permission strings and the roles a caller holds. */
import type { Project, User } from './model.ts';

/** Permission strings look like `read("user:abc")`; `write` stands for create, update and delete. */
const PERMISSION = /^(read|create|update|delete|write)\("([^"]+)"\)$/;
const ROLE =
  /^(any|guests|users(\/(verified|unverified))?|user:[A-Za-z0-9._-]+(\/(verified|unverified))?|label:[A-Za-z0-9]+|team:[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)?|member:[A-Za-z0-9._-]+)$/;

export type Action = 'read' | 'create' | 'update' | 'delete';

/** Parses one permission string, or returns null when it is malformed. */
export const parsePermission = (permission: string): { action: string; role: string } | null => {
  const match = PERMISSION.exec(permission);
  if (!match?.[1] || !match[2] || !ROLE.test(match[2])) return null;
  return { action: match[1], role: match[2] };
};

/**
 * The Authorization roles of a caller (contract §3.4). `null` is a guest. Team roles
 * (`team:<id>`, `team:<id>/<role>`, `member:<membershipId>`) come from the project's teams.
 */
export const rolesOf = (project: Project, user: User | null): Set<string> => {
  if (!user) return new Set(['any', 'guests']);
  const verified = user.emailVerification || user.phoneVerification ? 'verified' : 'unverified';
  const roles = new Set([
    'any',
    'users',
    `users/${verified}`,
    `user:${user.id}`,
    `user:${user.id}/${verified}`,
    ...user.labels.map((label) => `label:${label}`),
  ]);
  for (const team of project.teams.values()) {
    for (const membership of team.memberships.values()) {
      if (membership.userId !== user.id || !membership.confirm) continue;
      roles.add(`team:${team.id}`);
      for (const role of membership.roles) roles.add(`team:${team.id}/${role}`);
      roles.add(`member:${membership.id}`);
    }
  }
  return roles;
};

/** Whether any permission in the list grants `action` to one of `roles`. */
export const grants = (permissions: readonly string[], action: Action, roles: Set<string>): boolean =>
  permissions.some((permission) => {
    const parsed = parsePermission(permission);
    if (!parsed || !roles.has(parsed.role)) return false;
    return parsed.action === action || (parsed.action === 'write' && action !== 'read');
  });
