import type { Migration } from 'kysely';
import * as renders0001 from './0001_initial.js';
import * as renders0002 from './0002_webhooks.js';
import * as renders0003 from './0003_mockups_account_index.js';
import * as renders0004 from './0004_mockup_imports.js';
import * as renders0005 from './0005_render_refunds.js';
import * as renders0006 from './0006_render_warnings.js';
import * as renders0007 from './0007_batches.js';
import * as renders0008 from './0008_print_files.js';
import * as renders0009 from './0009_batches_processing.js';
import * as renders0010 from './0010_batches_finished_event.js';

/** Migrations of schema `renders`, in order of their names. */
export const RENDERS_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': renders0001,
  '0002_webhooks': renders0002,
  '0003_mockups_account_index': renders0003,
  '0004_mockup_imports': renders0004,
  '0005_render_refunds': renders0005,
  '0006_render_warnings': renders0006,
  '0007_batches': renders0007,
  '0008_print_files': renders0008,
  '0009_batches_processing': renders0009,
  '0010_batches_finished_event': renders0010,
};
