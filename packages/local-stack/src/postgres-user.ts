// Postgres refuses to run as root. When the launcher is root, the embedded Postgres runs as the
// `postgres` system user (created if missing), who must be able to reach its binaries and data.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, parse, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RunAs {
  uid: number;
  gid: number;
}

const NO_USER =
  'Postgres refuses to run as root and there is no "postgres" user to run it as: create one (e.g. useradd --system postgres) or set DATABASE_URL';

async function idsOf(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/** Undefined when not root (Postgres then runs as the launcher's own user). */
export async function postgresRunAs(log: (line: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await idsOf('postgres');
  if (existing) return existing;
  try {
    // groupadd fails harmlessly when the group exists already.
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', [
      '--system',
      '--gid',
      'postgres',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  } catch {
    throw new Error(NO_USER);
  }
  const created = await idsOf('postgres');
  if (!created) throw new Error(NO_USER);
  log('created the system user "postgres" to run the embedded Postgres (Postgres refuses to run as root)');
  return created;
}

function mayEnter(directory: string, who: RunAs): boolean {
  const { mode, uid, gid } = statSync(directory);
  // Supplementary groups are not considered: at worst this asks for an o+x that was not needed.
  if (uid === who.uid) return (mode & 0o100) !== 0;
  if (gid === who.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/** The first existing directory on the way from / to `directory` (inclusive) that `who` may not enter. */
export function firstBlockedDirectory(directory: string, who: RunAs): string | undefined {
  const target = resolve(directory);
  const { root } = parse(target);
  const chain = [root];
  for (const part of target.slice(root.length).split(sep).filter(Boolean))
    chain.push(resolve(chain.at(-1) ?? root, part));
  for (const current of chain) {
    try {
      if (!mayEnter(current, who)) return current;
    } catch {
      return undefined; // Not created yet: the launcher creates the rest with ordinary modes.
    }
  }
  return undefined;
}

/** One line an operator can act on, or nothing when `postgres` can reach both binaries and data. */
export function reachabilityProblem(binary: string, dataDir: string, who: RunAs): string | undefined {
  const blockedBinaries = firstBlockedDirectory(dirname(binary), who);
  if (blockedBinaries)
    return `Postgres runs as the "postgres" user (it refuses root), who cannot enter ${blockedBinaries} to reach its binaries: run from a checkout it can reach, chmod o+x ${blockedBinaries}, or set DATABASE_URL`;
  const blockedData = firstBlockedDirectory(dataDir, who);
  if (blockedData)
    return `Postgres runs as the "postgres" user (it refuses root), who cannot enter ${blockedData}: choose a DATA_DIR it can reach (e.g. under /var/lib or /tmp), chmod o+x ${blockedData}, or set DATABASE_URL`;
  return undefined;
}
