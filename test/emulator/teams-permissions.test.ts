import { type Client, ID, type Models, Permission, Role, TablesDB, Teams } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { BIRTHDAYS, DATABASE, expectAppwriteError, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

type Note = Models.Row & { title: string };

describe('emulator team: and member: roles in TablesDB permissions (node-appwrite)', () => {
  const t = useEmulator('http');
  const adminTeams = () => new Teams(t.admin());
  const sessionOf = async (letter: string) => t.withSession((await t.login(letter)).secret);

  /** Adds a row to the seeded birthdays table readable by exactly `permissions`. */
  const row = (rowId: string, permissions: string[]) =>
    new TablesDB(t.admin()).createRow({
      databaseId: DATABASE,
      tableId: BIRTHDAYS,
      rowId,
      data: { name: rowId, birthday: '2000-01-01' },
      permissions,
    });

  const visibleRows = async (client: Client): Promise<string[]> => {
    const list = await new TablesDB(client).listRows({ databaseId: DATABASE, tableId: BIRTHDAYS });
    expectModel('rowList', list);
    return list.rows.map((r) => r.$id).filter((id) => id.startsWith('team-') || id.startsWith('member-'));
  };

  /** Team `club`: user-a owner (created by a), user-b a confirmed `player`. */
  const club = async () => {
    await new Teams(await sessionOf('a')).create({ teamId: 'club', name: 'Club' });
    return adminTeams().createMembership({ teamId: 'club', roles: ['player'], userId: 'user-b' });
  };

  it('lets confirmed members read a row granted to team:<id>, and nobody else', async () => {
    await club();
    await row('team-row', [Permission.read(Role.team('club'))]);
    expect(await visibleRows(await sessionOf('a'))).toEqual(['team-row']);
    expect(await visibleRows(await sessionOf('b'))).toEqual(['team-row']);
    expect(await visibleRows(await sessionOf('c'))).toEqual([]);
    const got = await new TablesDB(await sessionOf('b')).getRow({
      databaseId: DATABASE,
      tableId: BIRTHDAYS,
      rowId: 'team-row',
    });
    expectModel('row', got);
    await expectAppwriteError(
      new TablesDB(await sessionOf('c')).getRow({
        databaseId: DATABASE,
        tableId: BIRTHDAYS,
        rowId: 'team-row',
      }),
      404,
      'row_not_found',
    );
  });

  it('grants team:<id>/<role> only to members holding that role', async () => {
    await club();
    await row('team-owner', [Permission.read(Role.team('club', 'owner'))]);
    await row('team-player', [Permission.read(Role.team('club', 'player'))]);
    expect(await visibleRows(await sessionOf('a'))).toEqual(['team-owner']);
    expect(await visibleRows(await sessionOf('b'))).toEqual(['team-player']);
  });

  it('grants member:<membershipId> to exactly that member', async () => {
    const membership = await club();
    await row('member-row', [Permission.read(Role.member(membership.$id))]);
    expect(await visibleRows(await sessionOf('b'))).toEqual(['member-row']);
    expect(await visibleRows(await sessionOf('a'))).toEqual([]);
  });

  it('gives an open invitation nothing until it is accepted', async () => {
    const owner = new Teams(await sessionOf('a'));
    await owner.create({ teamId: 'club', name: 'Club' });
    const invitation = await owner.createMembership({
      teamId: 'club',
      roles: ['player'],
      userId: 'user-c',
      url: 'http://localhost/join',
    });
    await row('team-row', [Permission.read(Role.team('club'))]);
    await row('member-invite', [Permission.read(Role.member(invitation.$id))]);
    const c = await sessionOf('c');
    expect(await visibleRows(c)).toEqual([]);
    const link = new URL(
      t
        .running()
        .context.state.outbox.at(-1)
        ?.text.match(/https?:\/\/\S+/)?.[0] ?? '',
    );
    await new Teams(c).updateMembershipStatus({
      teamId: 'club',
      membershipId: invitation.$id,
      userId: 'user-c',
      secret: link.searchParams.get('secret') ?? '',
    });
    expect(await visibleRows(c)).toEqual(['team-row', 'member-invite']);
  });

  it('revokes access on the next request once the membership is deleted (sessions and JWTs)', async () => {
    const membership = await club();
    await row('team-row', [Permission.read(Role.team('club'))]);
    const { jwt } = await t.jwtFor('b');
    const b = await sessionOf('b');
    expect(await visibleRows(b)).toEqual(['team-row']);
    expect(await visibleRows(t.withJwt(jwt))).toEqual(['team-row']);
    await adminTeams().deleteMembership({ teamId: 'club', membershipId: membership.$id });
    expect(await visibleRows(b)).toEqual([]);
    expect(await visibleRows(t.withJwt(jwt))).toEqual([]);
  });

  it('revokes a role on the next request once an owner changes the roles', async () => {
    const membership = await club();
    await row('team-player', [Permission.read(Role.team('club', 'player'))]);
    const b = await sessionOf('b');
    expect(await visibleRows(b)).toEqual(['team-player']);
    await adminTeams().updateMembership({ teamId: 'club', membershipId: membership.$id, roles: ['coach'] });
    expect(await visibleRows(b)).toEqual([]);
  });

  it('lets a member create rows through a team grant, granting only team roles it holds', async () => {
    await club();
    const tables = new TablesDB(t.admin());
    await tables.createTable({
      databaseId: DATABASE,
      tableId: 'notes',
      name: 'notes',
      permissions: [Permission.create(Role.team('club'))],
      rowSecurity: true,
    });
    await tables.createStringColumn({
      databaseId: DATABASE,
      tableId: 'notes',
      key: 'title',
      size: 64,
      required: true,
    });
    const member = new TablesDB(await sessionOf('b'));
    const created = await member.createRow<Note>({
      databaseId: DATABASE,
      tableId: 'notes',
      rowId: ID.unique(),
      data: { title: 'hello' },
      permissions: [Permission.read(Role.team('club')), Permission.read(Role.team('club', 'player'))],
    });
    expectModel('row', created);
    await expectAppwriteError(
      member.createRow<Note>({
        databaseId: DATABASE,
        tableId: 'notes',
        rowId: ID.unique(),
        data: { title: 'mine' },
        permissions: [Permission.read(Role.team('club', 'owner'))],
      }),
      401,
      'user_unauthorized',
    );
    await expectAppwriteError(
      new TablesDB(await sessionOf('c')).createRow<Note>({
        databaseId: DATABASE,
        tableId: 'notes',
        rowId: ID.unique(),
        data: { title: 'stranger' },
      }),
      401,
      'user_unauthorized',
    );
  });
});
