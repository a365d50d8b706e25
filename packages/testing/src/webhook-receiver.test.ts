import { waitFor } from './wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let receiver: WebhookReceiver;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
});

afterEach(() => receiver.close());

function deliver(path: string, body: string, webhookId?: string): Promise<Response> {
  return fetch(`${receiver.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(webhookId ? { 'webhook-id': webhookId } : {}) },
    body,
    signal: AbortSignal.timeout(5_000),
  });
}

const event = (uuid: string) => JSON.stringify({ type: 'render.succeeded', data: { uuid } });

describe('startWebhookReceiver', () => {
  it('answers a path with its scripted statuses in order, then repeats the last one', async () => {
    receiver.script('/hook', [500, 429, 204]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await deliver('/hook', event('r1'))).status);
    expect(statuses).toEqual([500, 429, 204, 204]);
    expect((await deliver('/other', event('r1'))).status).toBe(200);
  });

  it('records each request with its path, headers and raw body', async () => {
    await deliver('/hook', event('r1'), 'msg_1');
    expect(receiver.received('/hook')).toEqual([
      expect.objectContaining({ path: '/hook', body: event('r1') }),
    ]);
    expect(receiver.received('/hook')[0]!.headers['webhook-id']).toBe('msg_1');
    expect(receiver.received('/elsewhere')).toEqual([]);
  });

  it('lists the webhook-ids each render received, so a retry and a second event tell apart', async () => {
    await deliver('/a', event('r1'), 'msg_1');
    await deliver('/b', event('r1'), 'msg_1');
    await deliver('/a', event('r2'), 'msg_2');
    await deliver('/a', event('r2'), 'msg_3');
    expect(receiver.deliveries()).toEqual(
      new Map([
        ['r1', ['msg_1', 'msg_1']],
        ['r2', ['msg_2', 'msg_3']],
      ]),
    );
  });

  it('keeps a delivery it cannot read under a placeholder instead of dropping it', async () => {
    await deliver('/a', 'not json', 'msg_1');
    await deliver('/a', JSON.stringify({ data: {} }));
    expect(receiver.deliveries()).toEqual(
      new Map([
        ['(unparsable body)', ['msg_1']],
        ['(no data.uuid)', ['(no webhook-id)']],
      ]),
    );
  });

  it("holds a 'hang' request open until close", async () => {
    receiver.script('/slow', ['hang']);
    const pending = deliver('/slow', event('r1'));
    await waitFor(() => receiver.hanging() === 1 || undefined, {
      timeoutMs: 5_000,
      what: 'the held request',
    });
    await receiver.close();
    await expect(pending).rejects.toThrow('fetch failed'); // no answer: the connection was closed
    receiver = await startWebhookReceiver(); // afterEach closes this one
  });
});
