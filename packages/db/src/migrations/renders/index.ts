import type { Migration } from 'kysely';
import * as renders0001 from './0001_initial.js';
import * as renders0002 from './0002_webhooks.js';

/** Migrations of schema `renders`, in order of their names. */
export const RENDERS_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': renders0001,
  '0002_webhooks': renders0002,
};
