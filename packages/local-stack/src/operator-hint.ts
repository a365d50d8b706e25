// What `npm start` prints once it is ready: where Platen answers and, while no account exists, how an
// operator creates the first account and API key with the CLI.

export interface ReadyInput {
  port: number;
  accounts: number;
  /** DATA_DIR when it is not the default, so the CLI finds the same databases. */
  dataDir?: string;
  /** Names of connection variables set for npm start that the CLI needs too (values are not printed). */
  sameEnv: string[];
}

export function readyMessage({ port, accounts, dataDir, sameEnv }: ReadyInput): string[] {
  const lines = [
    `Platen is ready: http://localhost:${port}  (dashboard /dashboard, API /api/v1, docs /docs)`,
  ];
  if (accounts > 0) return lines;
  const prefix = dataDir ? `DATA_DIR=${dataDir} ` : '';
  lines.push(
    'No accounts yet. Create one and an API key (shown once) with:',
    `  ${prefix}npm run platen -- account create --account you@example.com --credits 100`,
    `  ${prefix}npm run platen -- key create --account you@example.com --name first-key`,
  );
  if (sameEnv.length) lines.push(`  (with the same ${sameEnv.join(', ')} as this npm start)`);
  return lines;
}
