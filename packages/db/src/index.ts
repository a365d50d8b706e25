export type * from './database.js';
export type * from './database-renders.js';
export { createDb, type CreateDbOptions } from './create-db.js';
export { migrateSchema, MigrationError, MIGRATIONS, type SchemaName } from './migrate.js';
