import type { Client, Models } from 'node-appwrite';

/**
 * `tablesDB.listRows` without node-appwrite's `TablesDB` class: the same request (path, headers,
 * `queries`) through the same `client.call`, so parsing and errors are node-appwrite's own. The
 * class has some 80 methods and is 64 KiB minified, a fifth of the Workers bundle for one call;
 * apps that need more use `new TablesDB(c.var.appwrite.client)`. A test compares the two.
 */
export const listRows = (
  client: Client,
  params: { databaseId: string; tableId: string; queries?: string[] },
): Promise<Models.RowList<Models.DefaultRow>> => {
  const path = `/tablesdb/${encodeURIComponent(params.databaseId)}/tables/${encodeURIComponent(params.tableId)}/rows`;
  const payload = params.queries === undefined ? {} : { queries: params.queries };
  return client.call(
    'get',
    new URL(client.config.endpoint + path),
    { 'X-Appwrite-Project': client.config.project, accept: 'application/json' },
    payload,
  );
};
