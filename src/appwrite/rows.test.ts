import { Client, Query, TablesDB } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { listRows } from './rows.ts';

/** A client that records what it would send instead of sending it. */
class RecordingClient extends Client {
  readonly calls: unknown[][] = [];
  override call(...args: Parameters<Client['call']>): ReturnType<Client['call']> {
    const [method, uri, headers, params] = args;
    this.calls.push([method, String(uri), { ...headers }, params]);
    return Promise.resolve({ total: 0, rows: [] });
  }
}

const client = () =>
  new RecordingClient().setEndpoint('https://appwrite.example.com/v1').setProject('demo').setJWT('a.b.c');

describe('listRows', () => {
  it.each([
    { databaseId: 'main', tableId: 'todos' },
    { databaseId: 'main', tableId: 'todos', queries: [Query.limit(5), Query.equal('done', [false])] },
    { databaseId: 'main', tableId: 'todos', queries: [] },
    { databaseId: 'a.b-c_d', tableId: 'x/y?z' },
  ])('makes the same call as TablesDB.listRows for %o', async (params) => {
    const ours = client();
    const theirs = client();
    expect(await listRows(ours, params)).toEqual(await new TablesDB(theirs).listRows(params));
    expect(ours.calls).toHaveLength(1);
    expect(ours.calls).toEqual(theirs.calls);
  });
});
