// The placement fields of POST /api/v1/renders (asset size / position / tile / background, pattern,
// adjustment_layers): each bad value is a 400 naming its field with nothing charged, a SudoMock /
// Dynamic Mockups body is accepted and stored in Platen's terms, and an Idempotency-Key tells
// placements apart.
import { apiClient, issuePaths, type ApiClient } from './support/api-client.js';
import { withDb } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-placement');
const poster = BUILTIN_MOCKUPS[0]!;
const layer = poster.smart_objects[0]!.uuid;
const url = 'https://example.com/art.png';
let gateway: TestGateway;

async function account(credits: number): Promise<{ id: string; api: ApiClient }> {
  const id = await stack.admin.createAccount(credits);
  const { key } = await stack.admin.createKey(id, { rate_limits: { per_minute: 10_000, per_day: 100_000 } });
  return { id, api: apiClient(gateway.url, key) };
}

function body(item: Record<string, unknown>, asset: Record<string, unknown> = {}) {
  return { mockup_uuid: poster.uuid, smart_objects: [{ uuid: layer, asset: { url, ...asset }, ...item }] };
}

function renderRows(accountId: string) {
  return withDb(stack.database.url, (db) =>
    db.selectFrom('renders.renders').selectAll().where('account_id', '=', accountId).execute(),
  );
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack.teardown();
});

describe('placement fields that cannot be drawn (400 VALIDATION_ERROR naming the field, nothing charged)', () => {
  let client: { id: string; api: ApiClient };

  beforeAll(async () => {
    client = await account(10);
  });

  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
    ['an unknown fit', {}, { fit: 'zoom' }, 'smart_objects.0.asset.fit'],
    ['a zero width', {}, { size: { width: 0, height: 10 } }, 'smart_objects.0.asset.size.width'],
    ['a negative height', {}, { size: { width: 10, height: -5 } }, 'smart_objects.0.asset.size.height'],
    ['a size without its height', {}, { size: { width: 10 } }, 'smart_objects.0.asset.size.height'],
    [
      'a size beyond 30,000 px',
      {},
      { size: { width: 30_001, height: 10 } },
      'smart_objects.0.asset.size.width',
    ],
    [
      'a position given as a string',
      {},
      { position: { top: '5', left: 0 } },
      'smart_objects.0.asset.position.top',
    ],
    ['a position with x / y names', {}, { position: { x: 1, y: 2 } }, 'smart_objects.0.asset.position'],
    ['a tile_scale of 0', {}, { fit: 'tile', tile_scale: 0 }, 'smart_objects.0.asset.tile_scale'],
    ['a background that is not #rrggbb', {}, { background: 'red' }, 'smart_objects.0.asset.background'],
    [
      'a pattern scale of 150 %',
      { pattern: { enabled: true, scale_percent: 150 } },
      {},
      'smart_objects.0.pattern.scale_percent',
    ],
    [
      'a brightness of 200',
      { adjustment_layers: { brightness: 200 } },
      {},
      'smart_objects.0.adjustment_layers.brightness',
    ],
    [
      'an opacity of -1',
      { adjustment_layers: { opacity: -1 } },
      {},
      'smart_objects.0.adjustment_layers.opacity',
    ],
    ['a negative blur', { adjustment_layers: { blur: -3 } }, {}, 'smart_objects.0.adjustment_layers.blur'],
    [
      'an unknown adjustment',
      { adjustment_layers: { sharpen: 10 } },
      {},
      'smart_objects.0.adjustment_layers',
    ],
  ];

  it.each(cases)('refuses %s', async (_what, item, asset, field) => {
    const answer = await client.api.send('POST', '/api/v1/renders', body(item, asset));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(answer)).toContain(field);
  });

  it('charged nothing and stored no render for any of them', async () => {
    expect(await stack.admin.balance(client.id)).toBe(10);
    expect(await renderRows(client.id)).toEqual([]);
  });
});

describe('a SudoMock / Dynamic Mockups body', () => {
  it('is accepted and stored in Platen’s terms (stretch = fill, an enabled pattern = tile)', async () => {
    const { id, api } = await account(5);
    const answer = await api.send(
      'POST',
      '/api/v1/renders',
      body(
        {
          pattern: { enabled: true, scale_percent: 60 },
          adjustment_layers: {
            brightness: 100,
            contrast: 50,
            opacity: 100,
            saturation: 0,
            vibrance: -20,
            blur: 20,
          },
        },
        { fit: 'stretch', size: { width: 100, height: 100 }, position: { top: 100, left: 100 }, rotate: 180 },
      ),
    );
    expect(answer.status).toBe(202);
    const [row] = await renderRows(id);
    expect(row!.inputs).toEqual([
      {
        uuid: layer,
        asset: {
          url,
          fit: 'tile',
          tile_scale: 60,
          size: { width: 100, height: 100 },
          position: { top: 100, left: 100 },
          rotate: 180,
        },
        adjustment_layers: {
          brightness: 100,
          contrast: 50,
          opacity: 100,
          saturation: 0,
          vibrance: -20,
          blur: 20,
        },
      },
    ]);
  });
});

describe('Idempotency-Key and placement', () => {
  it('answers 409 IDEMPOTENCY_CONFLICT for the same key with the artwork placed elsewhere', async () => {
    const { api } = await account(5);
    const headers = { 'idempotency-key': 'order-7-line-1' };
    const first = await api.send(
      'POST',
      '/api/v1/renders',
      body({}, { position: { top: 0, left: 0 } }),
      headers,
    );
    expect(first.status).toBe(202);
    const again = await api.send(
      'POST',
      '/api/v1/renders',
      body({}, { position: { top: 0, left: 0 } }),
      headers,
    );
    expect(again.status).toBe(202);
    expect((again.body.data as { uuid: string }).uuid).toBe((first.body.data as { uuid: string }).uuid);
    const moved = await api.send(
      'POST',
      '/api/v1/renders',
      body({}, { position: { top: 0, left: 1 } }),
      headers,
    );
    expect(moved.status).toBe(409);
    expect(moved.body.code).toBe('IDEMPOTENCY_CONFLICT');
  });
});
