// Account sessions: the 1.9 route aliases, the recorded client, list/get/extend/delete, and the
// project's session limit and duration.

import { Account } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { DESKTOP_CHROME, expectAppwriteError, PROJECT, useEmulator } from './helpers.ts';
import { expectModel } from './openapi-models.ts';

describe('emulator account sessions (node-appwrite)', () => {
  const t = useEmulator('http');
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.raw(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('records a session for a very long user agent without stalling (the first 512 characters are parsed)', async () => {
    const crafted = `Mozilla/5.0 (${' '.repeat(15_000)})`;
    const response = await post('/account/sessions/anonymous', {}, { 'user-agent': crafted });
    expect(response.status).toBe(201);
  });

  describe('route aliases', () => {
    it('POST /v1/account/sessions creates an email session like /account/sessions/email', async () => {
      const response = await post('/account/sessions', {
        email: 'user-a@example.com',
        password: 'password-a',
      });
      expect(response.status).toBe(201);
      const session = await response.json();
      expectModel('session', session);
      expect(session).toMatchObject({ userId: 'user-a', provider: 'email', secret: '', current: true });
      const wrong = await post('/account/sessions', { email: 'user-a@example.com', password: 'password-x' });
      expect(wrong.status).toBe(401);
      expect((await wrong.json()).type).toBe('user_invalid_credentials');
    });

    it('POST /v1/account/jwt mints a JWT like /account/jwts', async () => {
      const session = await t.login();
      const response = await post('/account/jwt', [], { 'x-appwrite-session': session.secret });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-ratelimit-remaining')).toBe('119');
      const body = await response.json();
      expectModel('jwt', body);
      expect((await new Account(t.withJwt(body.jwt)).get()).$id).toBe('user-a');
    });
  });

  it('records the client version with one minor part, as Appwrite 1.9 (Chrome/70.0.3538.77 → 70.0)', async () => {
    const response = await post(
      '/account/sessions/email',
      { email: 'user-a@example.com', password: 'password-a' },
      { 'user-agent': DESKTOP_CHROME },
    );
    const session = await response.json();
    expect(session).toMatchObject({
      osName: 'Windows',
      osCode: 'WIN',
      osVersion: '10',
      clientType: 'browser',
      clientName: 'Chrome',
      clientCode: 'CH',
      clientVersion: '70.0',
      clientEngine: 'Blink',
      deviceName: 'desktop',
    });
  });

  describe('list, get, update, delete', () => {
    it('lists the sessions with the current one flagged and gets one by ID or current', async () => {
      const first = await t.login();
      const second = await t.login();
      const account = new Account(t.withSession(first.secret));
      const list = await account.listSessions();
      expectModel('sessionList', list);
      expect(list.total).toBe(2);
      expect(list.sessions.map((s) => [s.$id, s.current, s.secret])).toEqual([
        [first.$id, true, ''],
        [second.$id, false, ''],
      ]);
      const current = await account.getSession({ sessionId: 'current' });
      expectModel('session', current);
      expect(current).toMatchObject({ $id: first.$id, current: true, secret: '' });
      expect((await account.getSession({ sessionId: second.$id })).current).toBe(false);
      await expectAppwriteError(
        account.getSession({ sessionId: '97823askjdkasd80921371980' }),
        404,
        'user_session_not_found',
      );
    });

    it('PATCH /account/sessions/current extends the session to now plus the project duration', async () => {
      const session = await t.login();
      const account = new Account(t.withSession(session.secret));
      t.running().advanceClock(1000);
      const updated = await account.updateSession({ sessionId: 'current' });
      expectModel('session', updated);
      expect(updated.$id).toBe(session.$id);
      const extendedBy = Date.parse(updated.expire) - Date.parse(session.expire);
      expect(Math.round(extendedBy / 1000)).toBe(1000);
      expect(updated.$updatedAt > session.$updatedAt).toBe(true);
      await expectAppwriteError(account.updateSession({ sessionId: 'nope' }), 404, 'user_session_not_found');
    });

    it('deletes one session (its secret stops working) and then all of them', async () => {
      const first = await t.login();
      const second = await t.login();
      const third = await t.login();
      const account = new Account(t.withSession(first.secret));
      await account.deleteSession({ sessionId: second.$id });
      await expectAppwriteError(
        new Account(t.withSession(second.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
      expect((await account.listSessions()).total).toBe(2);
      await account.deleteSessions();
      for (const ended of [first, third]) {
        await expectAppwriteError(
          new Account(t.withSession(ended.secret)).get(),
          401,
          'general_unauthorized_scope',
        );
      }
    });

    it('deleting the current session clears the cookies', async () => {
      const session = await t.login();
      const response = await t.raw('/account/sessions/current', {
        method: 'DELETE',
        headers: { 'x-appwrite-session': session.secret },
      });
      expect(response.status).toBe(204);
      expect(
        response.headers.getSetCookie().some((line) => line.startsWith(`a_session_${PROJECT}=deleted`)),
      ).toBe(true);
    });
  });

  describe('project settings', () => {
    it('keeps at most maxSessions sessions per user, deleting the oldest', async () => {
      expect((await t.setAuth({ maxSessions: 2 })).status).toBe(200);
      const first = await t.login();
      const second = await t.login();
      const third = await t.login();
      const account = new Account(t.withSession(third.secret));
      expect((await account.listSessions()).sessions.map((s) => s.$id)).toEqual([second.$id, third.$id]);
      await expectAppwriteError(
        new Account(t.withSession(first.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
    });

    it('gives new sessions the project duration', async () => {
      expect((await t.setAuth({ duration: 60 })).status).toBe(200);
      const session = await t.login();
      expect(Date.parse(session.expire) - Date.parse(session.$createdAt)).toBe(60_000);
      t.running().advanceClock(61);
      await expectAppwriteError(
        new Account(t.withSession(session.secret)).get(),
        401,
        'general_unauthorized_scope',
      );
    });
  });
});
