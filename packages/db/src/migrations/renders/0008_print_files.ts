// Print files: a render may ask for the artwork of some smart objects as it will be printed
// (`print_files: [{smart_object_uuid, dpi}]`); a succeeded render lists the files it wrote
// (`[{smart_object_uuid, key, width, height, dpi}]`). Both null when none were asked for.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('renders.renders').addColumn('print_files', 'jsonb').execute();
  await db.schema.alterTable('renders.renders').addColumn('result_print_files', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('renders.renders').dropColumn('result_print_files').execute();
  await db.schema.alterTable('renders.renders').dropColumn('print_files').execute();
}
