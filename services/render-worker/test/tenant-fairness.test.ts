// Issue "Hostile tenants", part 2: one account's renders on a slow artwork host must not stall another
// account's render. Real BullMQ worker, Postgres, key-service and a local artwork host that answers
// after 10 s (the long suite's test/e2e/faults/slow-artwork-tenant.fault.ts runs 100 × 25 s on real
// processes). The worker holds at most 10 of one account's 16 jobs in hand and composites in 2 slots.
import { createDemoArtwork } from '@platen/compositor';
import { renderResultKey } from '@platen/storage';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { inlineInput, startHarness, urlInput, type Harness, type RenderRow } from './support/harness.js';
import { TINY_SO } from './support/tiny-template.js';

jest.setTimeout(180_000);

const HOST_DELAY_MS = 10_000;
const ATTACKER_RENDERS = 30;
const PER_ACCOUNT = 10;
/** Every 5th attacker render points at a host that never answers: it must end ASSET_TIMEOUT. */
const isHang = (index: number) => index % 5 === 4;

let harness: Harness;
let assets: AssetServer;
let attacker: string;
let attackerIds: string[];
let victim: {
  id: string;
  row: RenderRow;
  latencyMs: number;
  attackerFinalMeanwhile: number;
  hostHits: number;
};

beforeAll(async () => {
  harness = await startHarness('worker-fairness', {
    slots: { compose: 2, jobs: 16, perAccount: PER_ACCOUNT, maxDeferMs: 2_000 },
  });
  // Long enough for the 10 s host, short enough that the dead host ends ASSET_TIMEOUT in the test.
  harness.useOutbound({ totalTimeoutMs: 14_000 });
  assets = await startAssetServer('127.0.0.1');
  const artwork = await createDemoArtwork(90, 60);
  assets.slow('/slow.png', artwork, HOST_DELAY_MS);
  attacker = await harness.keyService.createAccount(100);

  attackerIds = [];
  for (let i = 0; i < ATTACKER_RENDERS; i++) {
    const path = isHang(i) ? '/hang' : '/slow.png';
    attackerIds.push(
      await harness.submit({ accountId: attacker, inputs: [urlInput(TINY_SO, `${assets.origin}${path}`)] }),
    );
  }
  // The attacker's jobs are now in hand, waiting on the host: what used to hold every render slot.
  const deadline = Date.now() + 10_000;
  while (assets.hits('/slow.png') + assets.hits('/hang') < PER_ACCOUNT && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const started = Date.now();
  const id = await harness.submit({ inputs: [inlineInput(TINY_SO)], inline: { [TINY_SO]: artwork } });
  const row = await harness.waitUntilFinal(id, { timeoutMs: 30_000 });
  const latencyMs = Date.now() - started;
  const attackerRows = await Promise.all(attackerIds.map((attackerId) => harness.row(attackerId)));
  victim = {
    id,
    row,
    latencyMs,
    attackerFinalMeanwhile: attackerRows.filter((r) => r.status === 'succeeded' || r.status === 'failed')
      .length,
    hostHits: assets.hits('/slow.png') + assets.hits('/hang'),
  };
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await assets?.close();
});

describe('30 renders of one account on an artwork host that answers after 10 s', () => {
  it("completes another account's inline render in under 5 s while they wait on the host", () => {
    expect(victim.row).toMatchObject({ status: 'succeeded', result_key: renderResultKey(victim.id, 'png') });
    expect(victim.latencyMs).toBeLessThan(5_000);
    expect(victim.attackerFinalMeanwhile).toBe(0);
  });

  it('holds no more than its share of the job slots: at most 10 fetches at once from that account', () => {
    expect(victim.hostHits).toBeGreaterThan(0);
    expect(victim.hostHits).toBeLessThanOrEqual(PER_ACCOUNT);
  });

  it('still ends each of them succeeded, or failed ASSET_TIMEOUT on the dead host refunded exactly once', async () => {
    const rows = await Promise.all(
      attackerIds.map((id) => harness.waitUntilFinal(id, { timeoutMs: 150_000 })),
    );

    const unexpected = rows.filter((row, i) =>
      isHang(i)
        ? row.status !== 'failed' || row.error_code !== 'ASSET_TIMEOUT'
        : row.status !== 'succeeded' || row.attempts !== 1,
    );
    expect(unexpected).toEqual([]);
    const refunds = await Promise.all(attackerIds.map((id) => harness.refundsOf(id, attacker)));
    expect(refunds).toEqual(attackerIds.map((_, i) => (isHang(i) ? 1 : 0)));
    const timedOut = attackerIds.filter((_, i) => isHang(i)).length;
    expect(await harness.keyService.balance(attacker)).toBe(100 - ATTACKER_RENDERS + timedOut);
    // Deferred jobs were never counted as attempts.
    expect(rows.every((row) => row.attempts === 1)).toBe(true);
  });
});
