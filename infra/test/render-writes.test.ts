// `renders.renders` has one writer, @platen/db's render records, so its status machine cannot be
// bypassed; and its `webhook_*` columns are a copy that only the webhook delivery store asks for.
// `renders.batches` (and its Idempotency-Key table) likewise has one writer, the batch records.
// Scans the production source of every workspace (tests may still insert fixture rows directly;
// migrations may backfill the columns they add).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './support/paths.js';

const OWNER = 'packages/db/src/render-records.ts';
const BATCH_OWNER = 'packages/db/src/batch-records.ts';
const WEBHOOK_MIRROR_CALLER = 'packages/webhooks/src/delivery-store.ts';

const QUERY_BUILDER_WRITE = /\b(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*['"`]renders\.renders\b/;
const SQL_WRITE = /\b(?:insert\s+into|update|delete\s+from|merge\s+into)\s+renders\.renders\b/i;

/** True when the source text writes `renders.renders`, through kysely's builder or in raw SQL. */
export function writesRenders(source: string): boolean {
  return QUERY_BUILDER_WRITE.test(source) || SQL_WRITE.test(source);
}

const BATCH_BUILDER_WRITE =
  /\b(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*['"`]renders\.batch(?:es|_idempotency_keys)\b/;
const BATCH_SQL_WRITE =
  /\b(?:insert\s+into|update|delete\s+from|merge\s+into)\s+renders\.batch(?:es|_idempotency_keys)\b/i;

/** True when the source text writes `renders.batches` or `renders.batch_idempotency_keys`. */
export function writesBatches(source: string): boolean {
  return BATCH_BUILDER_WRITE.test(source) || BATCH_SQL_WRITE.test(source);
}

function productionSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // A migration's backfill is part of its schema change, run once, not a runtime writer.
    if (entry.isDirectory())
      return ['node_modules', 'migrations'].includes(entry.name) ? [] : productionSources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function workspaceSources(): Map<string, string> {
  const sources = new Map<string, string>();
  for (const group of ['packages', 'services']) {
    for (const workspace of readdirSync(join(REPO_ROOT, group), { withFileTypes: true })) {
      if (!workspace.isDirectory()) continue;
      const src = join(REPO_ROOT, group, workspace.name, 'src');
      let files: string[];
      try {
        files = productionSources(src);
      } catch {
        continue; // a workspace without src/
      }
      for (const file of files) sources.set(relative(REPO_ROOT, file), readFileSync(file, 'utf8'));
    }
  }
  return sources;
}

describe('writers of renders.renders', () => {
  const sources = workspaceSources();

  it('recognises a write in each form a module could issue it', () => {
    expect(writesRenders(`db.updateTable('renders.renders').set({ status: 'failed' })`)).toBe(true);
    expect(writesRenders(`trx\n  .insertInto("renders.renders")\n  .values(row)`)).toBe(true);
    expect(writesRenders(`db.deleteFrom('renders.renders as r')`)).toBe(true);
    expect(writesRenders('sql`UPDATE renders.renders SET status = ${status}`')).toBe(true);
    expect(writesRenders('sql`delete from renders.renders where id = ${id}`')).toBe(true);
    expect(writesRenders(`db.selectFrom('renders.renders').selectAll()`)).toBe(false);
    expect(writesRenders(`db.updateTable('renders.webhook_deliveries')`)).toBe(false);
    expect(writesRenders('sql`alter table renders.renders add column x int`')).toBe(false);
  });

  it('finds the production source of every workspace, the owner among it', () => {
    expect(sources.has(OWNER)).toBe(true);
    expect(sources.has('services/gateway/src/renders/render-store.ts')).toBe(true);
    expect(sources.has('services/render-worker/src/render-store.ts')).toBe(true);
  });

  it('has no writer but the render records module', () => {
    const writers = [...sources].filter(([, text]) => writesRenders(text)).map(([file]) => file);
    expect(writers).toEqual([OWNER]);
  });

  it('lets only the webhook delivery store mirror a delivery onto the render', () => {
    const callers = [...sources]
      .filter(([file, text]) => file !== OWNER && /\.mirrorOwnWebhook\(/.test(text))
      .map(([file]) => file);
    expect(callers).toEqual([WEBHOOK_MIRROR_CALLER]);
  });
});

describe('writers of renders.batches', () => {
  const sources = workspaceSources();

  it('recognises a write of the batch tables in each form', () => {
    expect(writesBatches(`db.updateTable('renders.batches').set({ status: 'finished' })`)).toBe(true);
    expect(writesBatches(`trx.insertInto("renders.batch_idempotency_keys")`)).toBe(true);
    expect(writesBatches('sql`update renders.batches set status = ${s}`')).toBe(true);
    expect(writesBatches(`db.selectFrom('renders.batches').selectAll()`)).toBe(false);
    expect(writesBatches(`db.updateTable('renders.renders')`)).toBe(false);
  });

  it('has no writer but the batch records module', () => {
    expect(sources.has(BATCH_OWNER)).toBe(true);
    const writers = [...sources].filter(([, text]) => writesBatches(text)).map(([file]) => file);
    expect(writers).toEqual([BATCH_OWNER]);
  });
});
