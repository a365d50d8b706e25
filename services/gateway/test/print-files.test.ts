// `print_files` on POST /api/v1/renders: each names a smart object the render fills, once, at 72–1200
// dpi (300 by default) and not past the pixel cap; a bad one is a 400 naming its field with nothing
// charged or stored. A good one is priced as a render of its own pixel size on top of the mockup,
// and stored on the render for the worker. Mockups show each smart object's physical print area.
import { apiClient, issuePaths, type ApiClient } from './support/api-client.js';
import { insertAccountMockup, withDb } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-print-files');
/** The poster: 2000 × 1500 px (1 credit), its smart object printed at 300 × 400 mm. */
const poster = BUILTIN_MOCKUPS[0]!;
const layer = poster.smart_objects[0]!.uuid;
const url = 'https://example.com/art.png';
let gateway: TestGateway;

async function account(credits: number): Promise<{ id: string; api: ApiClient }> {
  const id = await stack.admin.createAccount(credits);
  const { key } = await stack.admin.createKey(id, { rate_limits: { per_minute: 10_000, per_day: 100_000 } });
  return { id, api: apiClient(gateway.url, key) };
}

function body(printFiles: unknown, mockup = poster.uuid, smartObject = layer) {
  return {
    mockup_uuid: mockup,
    smart_objects: [{ uuid: smartObject, asset: { url } }],
    print_files: printFiles,
  };
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

describe('print files that cannot be made (400 VALIDATION_ERROR naming the field, nothing charged)', () => {
  let client: { id: string; api: ApiClient };

  beforeAll(async () => {
    client = await account(50);
  });

  const other = '00000000-0000-4000-8000-000000000001';
  const cases: Array<[string, unknown, string]> = [
    ['a smart object of another mockup', [{ smart_object_uuid: other }], 'print_files.0.smart_object_uuid'],
    [
      'a smart object that is not a uuid',
      [{ smart_object_uuid: 'front' }],
      'print_files.0.smart_object_uuid',
    ],
    ['no smart object', [{ dpi: 300 }], 'print_files.0.smart_object_uuid'],
    [
      'the same smart object twice',
      [{ smart_object_uuid: layer }, { smart_object_uuid: layer, dpi: 150 }],
      'print_files',
    ],
    ['a dpi under 72', [{ smart_object_uuid: layer, dpi: 71 }], 'print_files.0.dpi'],
    ['a dpi over 1200', [{ smart_object_uuid: layer, dpi: 1201 }], 'print_files.0.dpi'],
    ['a fractional dpi', [{ smart_object_uuid: layer, dpi: 299.5 }], 'print_files.0.dpi'],
    ['an unknown field', [{ smart_object_uuid: layer, format: 'tiff' }], 'print_files.0'],
    ['a print file that is not a list', { smart_object_uuid: layer }, 'print_files'],
    // 300 × 400 mm at 1200 dpi is 14173 × 18898 px.
    ['a print file over the pixel cap', [{ smart_object_uuid: layer, dpi: 1200 }], 'print_files.0.dpi'],
  ];

  it.each(cases)('refuses %s', async (_what, printFiles, field) => {
    const answer = await client.api.send('POST', '/api/v1/renders', body(printFiles));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(typeof answer.body.request_id).toBe('string');
    expect(issuePaths(answer)).toContain(field);
  });

  it('refuses a print file of a smart object the render gives no artwork', async () => {
    const own = await insertAccountMockup(stack, client.id, { required: [true, false] });
    const [filled, empty] = own.smart_objects;
    const answer = await client.api.send(
      'POST',
      '/api/v1/renders',
      body([{ smart_object_uuid: empty!.uuid }], own.uuid, filled!.uuid),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(answer)).toEqual(['print_files.0.smart_object_uuid']);
  });

  it('charged nothing and stored no render for any of them', async () => {
    expect(await stack.admin.balance(client.id)).toBe(50);
    expect(await renderRows(client.id)).toEqual([]);
  });
});

describe('a render with print files', () => {
  it('costs the mockup plus each print file priced as a render of its size, and stores them', async () => {
    const { id, api } = await account(20);
    // 300 × 400 mm at 300 dpi (the default) is 3543 × 4724 px, 16.7 MP: 5 credits; plus 1 for the mockup.
    const answer = await api.send('POST', '/api/v1/renders', body([{ smart_object_uuid: layer }]));
    expect(answer.status).toBe(202);
    const render = answer.body.data as { uuid: string; credits_charged: number; result: unknown };
    expect(render.credits_charged).toBe(6);
    expect(render.result).toBeNull();
    expect(await stack.admin.balance(id)).toBe(14);
    const [row] = await renderRows(id);
    expect(row!.print_files).toEqual([{ smart_object_uuid: layer, dpi: 300 }]);
  });

  it('costs 1 credit more for a print file of up to 4 MP (300 × 400 mm at 72 dpi)', async () => {
    const { id, api } = await account(20);
    // 300 × 400 mm at 72 dpi is 850 × 1134 px: 1 credit.
    const answer = await api.send('POST', '/api/v1/renders', body([{ smart_object_uuid: layer, dpi: 72 }]));
    expect(answer.status).toBe(202);
    expect((answer.body.data as { credits_charged: number }).credits_charged).toBe(2);
    expect(await stack.admin.balance(id)).toBe(18);
  });

  it('is refused 402 when the print files make it cost more than the account has, charging nothing', async () => {
    const { id, api } = await account(5);
    const answer = await api.send('POST', '/api/v1/renders', body([{ smart_object_uuid: layer }]));
    expect(answer.status).toBe(402);
    expect(answer.body.code).toBe('INSUFFICIENT_CREDITS');
    expect(await stack.admin.balance(id)).toBe(5);
    expect(await renderRows(id)).toEqual([]);
  });

  it('stores none for a render that asks for none', async () => {
    const { id, api } = await account(5);
    const answer = await api.send('POST', '/api/v1/renders', {
      mockup_uuid: poster.uuid,
      smart_objects: [{ uuid: layer, asset: { url } }],
    });
    expect(answer.status).toBe(202);
    expect((answer.body.data as { credits_charged: number }).credits_charged).toBe(1);
    const [row] = await renderRows(id);
    expect(row!.print_files).toBeNull();
  });
});

it('shows each smart object’s physical print area on the mockup', async () => {
  const { api } = await account(1);
  const answer = await api.get(`/api/v1/mockups/${poster.uuid}`);
  expect(answer.status).toBe(200);
  const [smartObject] = (answer.body.data as { smart_objects: { print_area: unknown }[] }).smart_objects;
  expect(smartObject!.print_area).toEqual({ width_mm: 300, height_mm: 400 });
});
