// Issue 24: an account alone in a worker may hold more of its jobs than its share (a batch then keeps
// the compose slots busy without deferrals), and another account arriving is not starved: its whole
// share is picked up at once, while the first account's jobs still wait on a slow artwork host.
import { createDemoArtwork } from '@platen/compositor';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { inlineInput, startHarness, urlInput, type Harness, type RenderRow } from './support/harness.js';
import { TINY_SO } from './support/tiny-template.js';

jest.setTimeout(180_000);

const HOST_DELAY_MS = 8_000;
const LONE_RENDERS = 12;
const PER_ACCOUNT = 2;
const WHEN_ALONE = 5;

let harness: Harness;
let assets: AssetServer;
let lone: string;
let loneIds: string[];
let hitsWhileAlone: number;
let arriving: { rows: RenderRow[]; loneFinalMeanwhile: number };

beforeAll(async () => {
  harness = await startHarness('worker-lone-share', {
    slots: {
      compose: 1,
      jobs: WHEN_ALONE + PER_ACCOUNT,
      perAccount: PER_ACCOUNT,
      whenAlone: WHEN_ALONE,
      maxDeferMs: 1_000,
    },
  });
  harness.useOutbound({ totalTimeoutMs: 20_000 });
  assets = await startAssetServer('127.0.0.1');
  const artwork = await createDemoArtwork(90, 60);
  assets.slow('/slow.png', artwork, HOST_DELAY_MS);
  lone = await harness.keyService.createAccount(100);

  loneIds = [];
  for (let i = 0; i < LONE_RENDERS; i++) {
    loneIds.push(
      await harness.submit({ accountId: lone, inputs: [urlInput(TINY_SO, `${assets.origin}/slow.png`)] }),
    );
  }
  const deadline = Date.now() + 15_000;
  while (assets.hits('/slow.png') < WHEN_ALONE && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  hitsWhileAlone = assets.hits('/slow.png');

  const ids = [];
  for (let i = 0; i < PER_ACCOUNT; i++) {
    ids.push(await harness.submit({ inputs: [inlineInput(TINY_SO)], inline: { [TINY_SO]: artwork } }));
  }
  const rows = await Promise.all(ids.map((id) => harness.waitUntilFinal(id, { timeoutMs: 60_000 })));
  const loneRows = await Promise.all(loneIds.map((id) => harness.row(id)));
  arriving = {
    rows,
    loneFinalMeanwhile: loneRows.filter((r) => r.status === 'succeeded' || r.status === 'failed').length,
  };
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await assets?.close();
});

describe('one account alone with 12 renders on a slow artwork host, then another account arrives', () => {
  it('holds more than its share while alone, and never more than the lone share', () => {
    expect(hitsWhileAlone).toBe(WHEN_ALONE);
  });

  it("renders the other account's whole share before any of the lone account's renders ends", () => {
    expect(arriving.rows.map((row) => row.status)).toEqual(['succeeded', 'succeeded']);
    expect(arriving.loneFinalMeanwhile).toBe(0);
  });

  it("still ends every one of the lone account's renders succeeded, on its first attempt", async () => {
    const rows = await Promise.all(loneIds.map((id) => harness.waitUntilFinal(id, { timeoutMs: 150_000 })));

    expect(rows.map((row) => [row.status, row.attempts])).toEqual(loneIds.map(() => ['succeeded', 1]));
  });
});
