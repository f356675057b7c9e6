import { Hono } from 'hono';
import type { EmulatorEnv } from '../auth.ts';
import { columnRoutes } from './tablesdb-columns.ts';
import { databasesRoutes } from './tablesdb-databases.ts';
import { indexRoutes } from './tablesdb-indexes.ts';
import { rowCounterRoutes } from './tablesdb-row-counters.ts';
import { rowRoutes } from './tablesdb-rows.ts';
import { tableRoutes } from './tablesdb-tables.ts';

/** Appwrite's TablesDB API: databases, tables, columns, indexes and rows. */
export const tablesRoutes = new Hono<EmulatorEnv>()
  .route('/', databasesRoutes)
  .route('/', tableRoutes)
  .route('/', columnRoutes)
  .route('/', indexRoutes)
  .route('/', rowRoutes)
  .route('/', rowCounterRoutes);
