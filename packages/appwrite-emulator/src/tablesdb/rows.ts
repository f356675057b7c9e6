import { formatDate } from '../clock.ts';
import { AppwriteError } from '../errors.ts';
import { storedValue, valueProblem } from './columns.ts';
import type { Row, Table } from './model.ts';

export { pageValue, parseQuery, queryError } from './queries.ts';

const invalidStructure = (detail: string): AppwriteError =>
  new AppwriteError('row_invalid_structure', `Invalid document structure: ${detail}`);

/** `$` attributes a client may send in row data; Appwrite drops or takes them over itself. */
const SYSTEM_KEYS = new Set([
  '$id',
  '$permissions',
  '$sequence',
  '$databaseId',
  '$tableId',
  '$collectionId',
  '$createdAt',
  '$updatedAt',
]);

/** Splits client row data into column values and the `$` attributes it carried. */
export const splitSystemKeys = (
  data: Record<string, unknown>,
): { values: Record<string, unknown>; system: Record<string, unknown> } => {
  const values: Record<string, unknown> = {};
  const system: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (SYSTEM_KEYS.has(key)) system[key] = value;
    else values[key] = value;
  }
  return { values, system };
};

/**
 * Checks a complete row against the table's columns, as Appwrite's structure validator does:
 * unknown columns, missing required columns and wrong types are `row_invalid_structure`.
 * Returns the stored form (datetimes normalised; absent optional columns take their default,
 * else null, and `[]` for arrays).
 */
export const validateRowData = (table: Table, data: Record<string, unknown>): Record<string, unknown> => {
  const known = new Map(table.columns.map((column) => [column.key, column]));
  for (const key of Object.keys(data)) {
    if (!known.has(key)) throw invalidStructure(`Unknown attribute: "${key}"`);
  }
  const stored: Record<string, unknown> = {};
  for (const column of table.columns) {
    let value = Object.hasOwn(data, column.key) ? data[column.key] : undefined;
    if (value === undefined) value = column.default ?? null;
    if (value === null) {
      if (column.required) throw invalidStructure(`Missing required attribute "${column.key}"`);
      stored[column.key] = column.array ? [] : null;
      continue;
    }
    if (column.array) {
      if (!Array.isArray(value)) throw invalidStructure(`Attribute "${column.key}" must be an array`);
      stored[column.key] = value.map((item) => {
        const problem = valueProblem(column, item);
        if (problem) throw invalidStructure(`Attribute "${column.key}[]" ${problem}`);
        return storedValue(column, item);
      });
    } else {
      const problem = valueProblem(column, value);
      if (problem) throw invalidStructure(`Attribute "${column.key}" ${problem}`);
      stored[column.key] = storedValue(column, value);
    }
  }
  return stored;
};

/**
 * Refuses a write that would give two rows the same values on a unique index, as the database
 * does: 409 row_already_exists (`id` fills the message where Appwrite passes one).
 */
export const checkUniqueIndexes = (
  table: Table,
  data: Record<string, unknown>,
  rowId: string,
  id?: string,
): void => {
  for (const index of table.indexes) {
    if (index.type !== 'unique' || index.status !== 'available') continue;
    const key = (values: Record<string, unknown>) =>
      JSON.stringify(index.columns.map((c) => values[c] ?? null));
    // MariaDB lets NULLs repeat in a unique index.
    if (index.columns.some((column) => data[column] === null || data[column] === undefined)) continue;
    const mine = key(data);
    for (const other of table.rows.values()) {
      if (other.id !== rowId && key(other.data) === mine)
        throw new AppwriteError('row_already_exists', undefined, id);
    }
  }
};

/**
 * The Row model: columns plus `$`-attributes; `$sequence` is a string as in Appwrite 1.9. With
 * `select`, only the selected columns come back, with every `$` attribute.
 */
export const rowModel = (table: Table, row: Row, select: string[] | null = null): Record<string, unknown> => {
  const columns =
    select === null || select.includes('*')
      ? row.data
      : Object.fromEntries(Object.entries(row.data).filter(([key]) => select.includes(key)));
  return {
    ...columns,
    $id: row.id,
    $sequence: String(row.sequence),
    $createdAt: formatDate(row.createdAt),
    $updatedAt: formatDate(row.updatedAt),
    $permissions: [...row.permissions],
    $databaseId: table.databaseId,
    $tableId: table.id,
  };
};
