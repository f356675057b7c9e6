/** TablesDB's data as the emulator stores it: databases, tables, columns and rows. */
export type ColumnType = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'email';

export interface Column {
  key: string;
  type: ColumnType;
  required: boolean;
  array: boolean;
  /** Maximum length for `string` columns. */
  size: number;
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
  rows: Map<string, Row>;
  nextSequence: number;
}

export interface Database {
  id: string;
  name: string;
  enabled: boolean;
  tables: Map<string, Table>;
}
