// Whether this machine can run docker: the CLI alone is not enough, a daemon must answer `docker info`.
import { spawnSync } from 'node:child_process';

export type DockerAvailability = { available: true } | { available: false; reason: string };

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

function probe(args: string[], what: string): DockerAvailability {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: 20_000 });
  if (result.error) return { available: false, reason: `${what}: ${result.error.message}` };
  if (result.status !== 0) {
    return {
      available: false,
      reason: `${what}: ${firstLine(result.stderr) || `exit ${result.status ?? 'signal'}`}`,
    };
  }
  return { available: true };
}

/** A running docker daemon (`docker info` succeeds). */
export function dockerDaemon(): DockerAvailability {
  return probe(['info', '--format', '{{.ServerVersion}}'], 'no docker daemon (docker info failed)');
}

/** The compose plugin (`docker compose version` succeeds); `docker compose config` needs no daemon. */
export function dockerCompose(): DockerAvailability {
  return probe(['compose', 'version'], 'no docker compose plugin');
}
