// `renders.mockups` has one writer, src/mockup-records.ts: it alone knows the lifecycle a row may go
// through. This scans every source file of the repository (tests excepted: their fixtures plant rows
// on purpose) for an INSERT, UPDATE or DELETE of the table, by query builder or raw SQL.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../..');
const OWNER = 'packages/mockups/src/mockup-records.ts';

const BUILDER_WRITE =
  /\b(?:insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(\s*['"`]renders\.mockups\b/;
const SQL_WRITE =
  /\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate(?:\s+table)?)\s+"?renders"?\."?mockups\b/i;

/** Whether the source writes `renders.mockups`. */
function writesMockups(source: string): boolean {
  return BUILDER_WRITE.test(source) || SQL_WRITE.test(source);
}

const SKIP = new Set(['node_modules', 'dist', 'test', '.git', 'coverage']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sources(path);
    return /\.(?:[cm]?[jt]sx?)$/.test(entry.name) && !/\.test\.[cm]?[jt]sx?$/.test(entry.name) ? [path] : [];
  });
}

const codeDirs = ['packages', 'services', 'scripts'].map((dir) => join(REPO_ROOT, dir));

describe('the one writer of renders.mockups', () => {
  it('spots a write by query builder or by raw SQL, and not a read', () => {
    expect(writesMockups(`await db.updateTable('renders.mockups').set({ name })`)).toBe(true);
    expect(writesMockups(`db\n  .insertInto("renders.mockups")`)).toBe(true);
    expect(writesMockups('db.deleteFrom(`renders.mockups`)')).toBe(true);
    expect(writesMockups('await sql`UPDATE renders.mockups SET status = ${s}`.execute(db)')).toBe(true);
    expect(writesMockups('sql`delete from "renders"."mockups" where id = ${id}`')).toBe(true);
    expect(writesMockups(`db.selectFrom('renders.mockups').selectAll()`)).toBe(false);
    expect(writesMockups(`db.updateTable('renders.renders')`)).toBe(false);
  });

  it('finds every write of the table in mockup-records.ts and nowhere else', () => {
    const writers = codeDirs
      .flatMap((dir) => sources(dir))
      .filter((path) => writesMockups(readFileSync(path, 'utf8')))
      .map((path) => relative(REPO_ROOT, path));

    expect(writers).toEqual([OWNER]);
  });
});
