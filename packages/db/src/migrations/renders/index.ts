import type { Migration } from 'kysely';

/** Migrations of schema `renders`, in order of their names. */
export const RENDERS_MIGRATIONS: Record<string, Migration> = {};
