// src/generated/openapi.ts must be what `npm run generate -w @platen/client` makes from the gateway
// as it is now: a route or field added to packages/contracts without regenerating fails here.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureWorkspaceBuilt, REPO_ROOT } from '@platen/testing';

const GENERATE = path.join(REPO_ROOT, 'packages', 'client', 'scripts', 'generate.mjs');

describe('the committed OpenAPI types', () => {
  it('are what the current gateway’s /openapi.json generates', async () => {
    // The generator reads the built gateway: rebuild it first when its sources are newer.
    await ensureWorkspaceBuilt({ workspace: 'services/gateway', timeoutMs: 400_000 });
    const run: { code?: number; stderr?: string } = await promisify(execFile)(
      process.execPath,
      [GENERATE, '--check'],
      {
        cwd: REPO_ROOT,
      },
    ).catch((error: { code?: number; stderr?: string }) => error);
    expect({ code: run.code ?? 0, stderr: run.stderr ?? '' }).toEqual({ code: 0, stderr: '' });
  }, 500_000);
});
