import { Hono } from 'hono';
import { type EmulatorEnv, guard } from '../auth.ts';
import { formatDate } from '../clock.ts';
import { uniqueId } from '../crypto.ts';
import { AppwriteError } from '../errors.ts';
import { type ListSchema, runList } from '../list-queries.ts';
import { LIST_SHAPE, v, validate } from '../params.ts';
import { requireOwner, visibleTeam } from '../teams/access.ts';
import type { Team } from '../teams/model.ts';
import { teamModel } from '../teams/models.ts';
import { assoc, listParams, roles, routeParams } from '../teams/params.ts';
import { TEAM_LIST_RULES } from '../teams/queries.ts';
import { hasTeamRole, teamTotal } from '../teams/store.ts';
import { membershipRoutes } from './teams-memberships.ts';

const READ = guard({ scope: 'teams.read' });
const WRITE = guard({ scope: 'teams.write' });
const TEAM_ID = { teamId: { schema: v.uid } };

/** Teams as `listTeams` queries them (Appwrite's `Teams::ALLOWED_ATTRIBUTES` plus `$id` and the dates). */
const TEAMS: ListSchema<Team> = {
  name: 'Team',
  attributes: {
    $id: { read: (team) => team.id },
    $createdAt: { read: (team) => formatDate(team.createdAt) },
    $updatedAt: { read: (team) => formatDate(team.updatedAt) },
    name: { read: (team) => team.name },
    total: { read: teamTotal },
  },
  id: (team) => team.id,
  searchText: (team) => `${team.id} ${team.name}`,
  rules: TEAM_LIST_RULES,
};

/**
 * Teams API: teams (create, list, get, rename, delete, prefs) and, under
 * `/teams/:teamId/memberships`, their memberships. A user sees only the teams it is a confirmed
 * member of; renaming, deleting and changing prefs need the `owner` role; API keys may do anything.
 */
export const teamsRoutes = new Hono<EmulatorEnv>()
  .post('/teams', WRITE, async (c) => {
    const { caller, project, emulator } = c.var;
    const params = validate(await routeParams(c), {
      teamId: { schema: v.customId },
      name: { schema: v.text(128) },
      roles: { schema: roles, optional: true },
    });
    const now = emulator.clock.now();
    const id = params.teamId === 'unique()' ? uniqueId(now) : params.teamId;
    if (project.teams.has(id)) throw new AppwriteError('team_already_exists');
    const team: Team = {
      id,
      createdAt: now,
      updatedAt: now,
      name: params.name,
      prefs: {},
      memberships: new Map(),
    };
    // A user creating a team becomes its member with the given roles plus `owner`; a key adds nobody.
    if (caller.kind === 'user') {
      const memberRoles = params.roles ?? ['owner'];
      if (!memberRoles.includes('owner')) memberRoles.push('owner');
      const membershipId = uniqueId(now);
      team.memberships.set(membershipId, {
        id: membershipId,
        createdAt: now,
        updatedAt: now,
        teamId: id,
        userId: caller.user.id,
        roles: memberRoles,
        invited: now,
        joined: now,
        confirm: true,
        secretHash: null,
        readableByAny: false,
      });
    }
    project.teams.set(id, team);
    return c.json(teamModel(team), 201);
  })
  .get('/teams', READ, async (c) => {
    const { caller, project } = c.var;
    const params = validate(await listParams(c), LIST_SHAPE);
    const teams = [...project.teams.values()].filter(
      (team) => caller.kind === 'key' || (caller.kind === 'user' && hasTeamRole(team, caller.user.id)),
    );
    const { page, total } = runList(TEAMS, teams, params.queries ?? [], params.search);
    return c.json({ total: params.total === false ? 0 : total, teams: page.map(teamModel) });
  })
  .get('/teams/:teamId', READ, async (c) => {
    const { teamId } = validate(await routeParams(c), TEAM_ID);
    return c.json(teamModel(visibleTeam(c, teamId)));
  })
  .put('/teams/:teamId', WRITE, async (c) => {
    const params = validate(await routeParams(c), { ...TEAM_ID, name: { schema: v.text(128) } });
    const team = visibleTeam(c, params.teamId);
    requireOwner(c, team);
    team.name = params.name;
    team.updatedAt = c.var.emulator.clock.now();
    return c.json(teamModel(team));
  })
  .delete('/teams/:teamId', WRITE, async (c) => {
    const { teamId } = validate(await routeParams(c), TEAM_ID);
    const team = visibleTeam(c, teamId);
    requireOwner(c, team);
    // The team's memberships live in the team and go with it.
    c.var.project.teams.delete(team.id);
    return c.body(null, 204);
  })
  .get('/teams/:teamId/prefs', READ, async (c) => {
    const { teamId } = validate(await routeParams(c), TEAM_ID);
    return c.json({ ...visibleTeam(c, teamId).prefs });
  })
  .put('/teams/:teamId/prefs', WRITE, async (c) => {
    const params = validate(await routeParams(c), { ...TEAM_ID, prefs: { schema: assoc } });
    const team = visibleTeam(c, params.teamId);
    requireOwner(c, team);
    team.prefs = { ...params.prefs };
    team.updatedAt = c.var.emulator.clock.now();
    return c.json({ ...team.prefs });
  })
  .route('/', membershipRoutes);
