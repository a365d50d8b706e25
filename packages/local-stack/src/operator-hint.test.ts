import { readyMessage } from './operator-hint.js';

describe('the message npm start prints when ready', () => {
  it('says where Platen answers', () => {
    expect(readyMessage({ port: 8080, accounts: 3, sameEnv: [] })).toEqual([
      'Platen is ready: http://localhost:8080  (dashboard /dashboard, API /api/v1, docs /docs)',
    ]);
  });

  it('shows the CLI commands for a first account and key while there is no account', () => {
    const lines = readyMessage({ port: 8080, accounts: 0, sameEnv: [] });
    expect(lines).toContain('  npm run platen -- account create --account you@example.com --credits 100');
    expect(lines).toContain('  npm run platen -- key create --account you@example.com --name first-key');
  });

  it('points the CLI at a non-default DATA_DIR and names, never prints, shared connection settings', () => {
    const lines = readyMessage({
      port: 9000,
      accounts: 0,
      dataDir: '/srv/platen',
      sameEnv: ['DATABASE_URL'],
    });
    expect(lines).toContain(
      '  DATA_DIR=/srv/platen npm run platen -- account create --account you@example.com --credits 100',
    );
    expect(lines.at(-1)).toBe('  (with the same DATABASE_URL as this npm start)');
  });
});
