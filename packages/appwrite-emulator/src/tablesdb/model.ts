/** TablesDB's data as the emulator stores it: databases, tables, columns, indexes and rows. */
export type ColumnType =
  | 'string'
  | 'integer'
  | 'float'
  | 'boolean'
  | 'datetime'
  | 'email'
  | 'enum'
  | 'url'
  | 'ip'
  | 'varchar'
  | 'text'
  | 'mediumtext'
  | 'longtext';

/** Appwrite's column and index lifecycle (`processing` → `available`, `deleting` on removal). */
export type ResourceStatus = 'available' | 'processing' | 'deleting' | 'stuck' | 'failed';

export interface Column {
  key: string;
  type: ColumnType;
  required: boolean;
  array: boolean;
  /** Maximum length of the string-valued types (`string`, `varchar`, `text`, …). */
  size: number;
  /** Bounds of `integer` and `float` columns. */
  min?: number;
  max?: number;
  /** Allowed values of an `enum` column. */
  elements?: string[];
  /** Value stored when a row leaves the column out; null means none. */
  default: unknown;
  status: ResourceStatus;
  createdAt: number;
  updatedAt: number;
}

export type IndexType = 'key' | 'unique' | 'fulltext';

export interface Index {
  key: string;
  type: IndexType;
  columns: string[];
  orders: string[];
  lengths: (number | null)[];
  status: ResourceStatus;
  createdAt: number;
  updatedAt: number;
}

/** One row; `data` holds the column values. */
export interface Row {
  id: string;
  sequence: number;
  createdAt: number;
  updatedAt: number;
  permissions: string[];
  data: Record<string, unknown>;
}

export interface Table {
  id: string;
  databaseId: string;
  name: string;
  enabled: boolean;
  rowSecurity: boolean;
  permissions: string[];
  columns: Column[];
  indexes: Index[];
  rows: Map<string, Row>;
  nextSequence: number;
  createdAt: number;
  updatedAt: number;
}

export interface Database {
  id: string;
  name: string;
  enabled: boolean;
  /** `tablesdb` for databases made through TablesDB, `legacy` for the Databases API. */
  type: 'tablesdb' | 'legacy';
  tables: Map<string, Table>;
  createdAt: number;
  updatedAt: number;
}

/** A column as the seed and the column routes describe it, before timestamps are added. */
export type ColumnSpec = Omit<Column, 'status' | 'createdAt' | 'updatedAt'>;

/** A stored column, available at once: the emulator has no background worker. */
export const newColumn = (spec: ColumnSpec, now: number): Column => ({
  ...spec,
  status: 'available',
  createdAt: now,
  updatedAt: now,
});
