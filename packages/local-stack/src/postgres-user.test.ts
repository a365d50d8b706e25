import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstBlockedDirectory, reachabilityProblem } from './postgres-user.js';

// An identity that owns nothing here, so only the "others" permission bits apply to it.
const stranger = { uid: 54_321, gid: 54_321 };
let base: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'platen-reach-'));
  chmodSync(base, 0o755);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('whether the postgres user can reach the data directory', () => {
  it('names the first directory on the way that others may not enter', () => {
    mkdirSync(join(base, 'private', 'project', 'data'), { recursive: true });
    chmodSync(join(base, 'private'), 0o700);
    expect(firstBlockedDirectory(join(base, 'private', 'project', 'data'), stranger)).toBe(
      join(base, 'private'),
    );
  });

  it('finds nothing in the way when every directory is enterable by others', () => {
    mkdirSync(join(base, 'open', 'data'), { recursive: true });
    chmodSync(join(base, 'open'), 0o711);
    expect(firstBlockedDirectory(join(base, 'open', 'data', 'not-yet-created'), stranger)).toBeUndefined();
  });

  it('tells the operator in one line what to do about a blocked DATA_DIR', () => {
    mkdirSync(join(base, 'home', 'data'), { recursive: true });
    chmodSync(join(base, 'home'), 0o700);
    const problem = reachabilityProblem('/usr/bin/env', join(base, 'home', 'data'), stranger);
    expect(problem).toContain(`cannot enter ${join(base, 'home')}`);
    expect(problem).toMatch(/DATA_DIR.*DATABASE_URL/);
    expect(problem).not.toContain('\n');
  });

  it('complains about the binaries first when the checkout itself is out of reach', () => {
    mkdirSync(join(base, 'checkout', 'bin'), { recursive: true });
    chmodSync(join(base, 'checkout'), 0o700);
    const problem = reachabilityProblem(join(base, 'checkout', 'bin', 'postgres'), base, stranger);
    expect(problem).toMatch(/cannot enter .*checkout to reach its binaries/);
  });
});
