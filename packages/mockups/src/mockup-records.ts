// The one writer of `renders.mockups`: every INSERT, UPDATE and DELETE of a mockup row is a named step
// here, and MOCKUP_TRANSITIONS says from which states each step may start. A step whose row is in
// another state is refused with MockupTransitionError; each write is one statement guarded by those
// states, so two processes racing over a row cannot both win. The two steps that end an import answer
// the refusal instead of throwing it: a late or duplicate import job losing to another one (or to a
// delete) is expected, and its caller must know it did not apply to skip what follows.
// Invariant: nothing else writes the table (test/mockup-writers.test.ts scans the sources for it).
import type { Database, MockupStatus } from '@platen/db';
import { expressionBuilder, sql, type Kysely } from 'kysely';
import type { MockupRow } from './public-mockup.js';

/** Where a row stands: its status while live, `deleted` once soft-deleted, `absent` when there is none. */
export type MockupState = MockupStatus | 'deleted' | 'absent';

interface Transition {
  from: readonly MockupState[];
  /** null: the step edits the row and leaves its state as it was. */
  to: MockupState | null;
}

export const MOCKUP_TRANSITIONS = {
  /** An account's upload (PSD or manifest), waiting for its import job. */
  createUpload: { from: ['absent'], to: 'processing' },
  /** The import job stored the template and proved it renders. */
  finishImport: { from: ['processing'], to: 'ready' },
  /** The import job gave up, with a public error code. */
  failImport: { from: ['processing'], to: 'failed' },
  /** An upload whose import job could not be queued: erased, as if never made. */
  discardUpload: { from: ['processing'], to: 'absent' },
  /** DELETE /v1/mockups/{id}: the row stays for the renders made from it. */
  remove: { from: ['processing', 'ready', 'failed'], to: 'deleted' },
  /** PATCH /v1/mockups/{id}. */
  rename: { from: ['processing', 'ready', 'failed'], to: null },
  /** Built-ins belong to the seeder: an install puts one back to ready whatever it finds. */
  installBuiltIn: { from: ['absent', 'processing', 'ready', 'failed', 'deleted'], to: 'ready' },
  /** Same pixels, newer public description (e.g. product colours listed): no new version. */
  refreshBuiltIn: { from: ['ready'], to: null },
} as const satisfies Record<string, Transition>;

export type MockupStep = keyof typeof MOCKUP_TRANSITIONS;

export class MockupTransitionError extends Error {
  override readonly name = 'MockupTransitionError';
  constructor(
    readonly step: MockupStep,
    readonly mockupId: string,
    readonly from: MockupState,
  ) {
    super(`Mockup ${mockupId} cannot ${step} from ${from}`);
  }
}

/** Whether `step` may start from `state`. */
export function canStep(step: MockupStep, state: MockupState): boolean {
  return (MOCKUP_TRANSITIONS[step].from as readonly MockupState[]).includes(state);
}

/** The columns a written row is answered with: the public shape's plus the thumbnail key. */
export const MOCKUP_RECORD_COLUMNS = [
  'id',
  'account_id',
  'slug',
  'name',
  'width',
  'height',
  'status',
  'smart_objects',
  'error',
  'error_code',
  'warnings',
  'created_at',
  'thumbnail_key',
] as const;

export type MockupRecord = MockupRow & { thumbnail_key: string | null };

export interface NewUpload {
  id: string;
  accountId: string;
  slug: string;
  name: string;
  width: number;
  height: number;
  /** What the import job reads (pending-import.ts), kept in the manifest column until it is done. */
  pendingImport: Record<string, unknown>;
  assetsPrefix: string;
}

/** A template as stored once installed or imported. */
export interface StoredTemplate {
  width: number;
  height: number;
  /** The compositor manifest as stored (stored-manifest.ts). */
  manifest: Record<string, unknown>;
  smartObjects: unknown[];
  assetsPrefix: string;
  thumbnailKey: string;
  version: number;
}

export interface BuiltInTemplate extends StoredTemplate {
  slug: string;
  name: string;
}

export interface ImportFailureRecord {
  code: string;
  message: string;
  warnings: unknown[];
}

/** Whether an import step applied; when not, the state of the row that refused it. */
export type ImportStepOutcome = { applied: true } | { applied: false; from: MockupState };

export interface MockupRecords {
  /** Inserts an account's upload in `processing`. */
  createUpload(upload: NewUpload): Promise<MockupRecord>;
  /** processing → ready with the stored template; anything else (already failed, ready, deleted) is left. */
  finishImport(id: string, template: StoredTemplate & { warnings: unknown[] }): Promise<ImportStepOutcome>;
  /** processing → failed with the public error; anything else (already ready, failed, deleted) is left. */
  failImport(id: string, failure: ImportFailureRecord): Promise<ImportStepOutcome>;
  /** Erases the account's upload; nothing to do when the account has no live mockup by that id. */
  discardUpload(query: { accountId: string; id: string }): Promise<void>;
  /** Soft-deletes one of the account's own; false when it has no live mockup by that id. */
  remove(query: { accountId: string; id: string }): Promise<boolean>;
  /** Renames one of the account's own; undefined when it has no live mockup by that id. */
  rename(query: { accountId: string; id: string; name: string }): Promise<MockupRecord | undefined>;
  /** Installs (or reinstalls) a built-in under its fixed uuid; an account's mockup is never taken over. */
  installBuiltIn(id: string, template: BuiltInTemplate): Promise<void>;
  refreshBuiltIn(
    id: string,
    description: { manifest: Record<string, unknown>; smartObjects: unknown[] },
  ): Promise<void>;
}

const mockups = expressionBuilder<Database, 'renders.mockups'>();

/**
 * The SQL form of "the row may take this step" (`absent` has no row to match). Columns are qualified:
 * an upsert's conflict clause also sees the `excluded` row.
 */
function mayStep(step: MockupStep) {
  const states: readonly MockupState[] = MOCKUP_TRANSITIONS[step].from;
  const live = states.filter((state): state is MockupStatus => state !== 'deleted' && state !== 'absent');
  const either = [];
  if (live.length > 0) {
    either.push(
      mockups.and([
        mockups('renders.mockups.deleted_at', 'is', null),
        mockups('renders.mockups.status', 'in', live),
      ]),
    );
  }
  if (states.includes('deleted')) either.push(mockups('renders.mockups.deleted_at', 'is not', null));
  return mockups.or(either);
}

/** The account's own row, as the account sees it (a deleted one is gone). */
const ownLive = (accountId: string, id: string) =>
  mockups.and([
    mockups('renders.mockups.id', '=', id),
    mockups('renders.mockups.account_id', '=', accountId),
    mockups('renders.mockups.deleted_at', 'is', null),
  ]);

/** Pass a transaction to make the steps part of it. */
export function createMockupRecords(db: Kysely<Database>): MockupRecords {
  async function stateOf(id: string): Promise<MockupState> {
    const row = await db
      .selectFrom('renders.mockups')
      .select(['status', 'deleted_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return 'absent';
    return row.deleted_at === null ? row.status : 'deleted';
  }

  /** Called when a guarded write matched no row: names the state that refused it. */
  async function refuse(step: MockupStep, id: string): Promise<never> {
    throw new MockupTransitionError(step, id, await stateOf(id));
  }

  async function outcome(applied: boolean, id: string): Promise<ImportStepOutcome> {
    return applied ? { applied: true } : { applied: false, from: await stateOf(id) };
  }

  return {
    async createUpload(upload) {
      const row = await db
        .insertInto('renders.mockups')
        .values({
          id: upload.id,
          account_id: upload.accountId,
          slug: upload.slug,
          name: upload.name,
          width: upload.width,
          height: upload.height,
          status: MOCKUP_TRANSITIONS.createUpload.to,
          manifest: JSON.stringify(upload.pendingImport),
          smart_objects: JSON.stringify([]),
          assets_prefix: upload.assetsPrefix,
          thumbnail_key: null,
          error: null,
          error_code: null,
          warnings: null,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning(MOCKUP_RECORD_COLUMNS)
        .executeTakeFirst();
      return row ?? refuse('createUpload', upload.id);
    },

    async finishImport(id, template) {
      const row = await db
        .updateTable('renders.mockups')
        .set({
          status: MOCKUP_TRANSITIONS.finishImport.to,
          width: template.width,
          height: template.height,
          manifest: JSON.stringify(template.manifest),
          smart_objects: JSON.stringify(template.smartObjects),
          assets_prefix: template.assetsPrefix,
          thumbnail_key: template.thumbnailKey,
          version: template.version,
          error: null,
          error_code: null,
          warnings: JSON.stringify(template.warnings),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('account_id', 'is not', null)
        .where(mayStep('finishImport'))
        .returning('id')
        .executeTakeFirst();
      return outcome(row !== undefined, id);
    },

    async failImport(id, failure) {
      const row = await db
        .updateTable('renders.mockups')
        .set({
          status: MOCKUP_TRANSITIONS.failImport.to,
          error: failure.message,
          error_code: failure.code,
          warnings: JSON.stringify(failure.warnings),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('account_id', 'is not', null)
        .where(mayStep('failImport'))
        .returning('id')
        .executeTakeFirst();
      return outcome(row !== undefined, id);
    },

    async discardUpload({ accountId, id }) {
      const row = await db
        .deleteFrom('renders.mockups')
        .where(ownLive(accountId, id))
        .where(mayStep('discardUpload'))
        .returning('id')
        .executeTakeFirst();
      if (row) return;
      const visible = await db
        .selectFrom('renders.mockups')
        .select('id')
        .where(ownLive(accountId, id))
        .executeTakeFirst();
      if (visible) await refuse('discardUpload', id);
    },

    async remove({ accountId, id }) {
      const row = await db
        .updateTable('renders.mockups')
        .set({ deleted_at: sql`now()`, updated_at: sql`now()` })
        .where(ownLive(accountId, id))
        .where(mayStep('remove'))
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async rename({ accountId, id, name }) {
      return db
        .updateTable('renders.mockups')
        .set({ name, updated_at: sql`now()` })
        .where(ownLive(accountId, id))
        .where(mayStep('rename'))
        .returning(MOCKUP_RECORD_COLUMNS)
        .executeTakeFirst();
    },

    async installBuiltIn(id, template) {
      const row = {
        account_id: null,
        slug: template.slug,
        name: template.name,
        width: template.width,
        height: template.height,
        status: MOCKUP_TRANSITIONS.installBuiltIn.to,
        manifest: JSON.stringify(template.manifest),
        smart_objects: JSON.stringify(template.smartObjects),
        assets_prefix: template.assetsPrefix,
        thumbnail_key: template.thumbnailKey,
        version: template.version,
        error: null,
        error_code: null,
        warnings: null,
        deleted_at: null,
      };
      const written = await db
        .insertInto('renders.mockups')
        .values({ id, ...row })
        .onConflict((conflict) =>
          conflict
            .column('id')
            .doUpdateSet({ ...row, updated_at: sql`now()` })
            .where('renders.mockups.account_id', 'is', null)
            .where(mayStep('installBuiltIn')),
        )
        .returning('id')
        .executeTakeFirst();
      if (!written) await refuse('installBuiltIn', id);
    },

    async refreshBuiltIn(id, { manifest, smartObjects }) {
      const row = await db
        .updateTable('renders.mockups')
        .set({
          manifest: JSON.stringify(manifest),
          smart_objects: JSON.stringify(smartObjects),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('account_id', 'is', null)
        .where(mayStep('refreshBuiltIn'))
        .returning('id')
        .executeTakeFirst();
      if (!row) await refuse('refreshBuiltIn', id);
    },
  };
}
