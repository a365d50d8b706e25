// Webhook deliveries for real: the webhook worker on a suite's own Redis prefix and database, POSTing
// to a local receiver on 127.0.0.1 through the SSRF-safe client, verified with the published
// `standardwebhooks` library. Retry delays are injected in milliseconds; nothing asserts timings.
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '@platen/testing';
import { Webhook } from 'standardwebhooks';
import { startWebhookHarness, type WebhookHarness } from './support/webhook-harness.js';

jest.setTimeout(30_000);

let harness: WebhookHarness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  harness = await startWebhookHarness('webhooks-delivery');
  receiver = await startWebhookReceiver();
});

afterEach(() => harness.stopWorkers());

afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

function verify(secret: string, request: { headers: Record<string, string>; body: string }): unknown {
  return new Webhook(secret).verify(request.body, request.headers);
}

describe('a delivery to a render’s webhook_url', () => {
  it('arrives signed with the account secret, and the standardwebhooks verifier accepts it as it is', async () => {
    harness.startWorker();
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/ok` });

    await harness.waitForStatus(id!, 'delivered');

    const [request] = receiver.received('/ok');
    const secret = await harness.secrets.current(harness.accountId);
    expect(verify(secret, request!)).toMatchObject({
      type: 'render.succeeded',
      data: { status: 'succeeded' },
    });
    expect(JSON.parse(request!.body)).toEqual({
      type: 'render.succeeded',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      data: expect.any(Object) as unknown,
    });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe((await harness.delivery(id!)).event_id);
  });

  it('is refused by the verifier once its body or timestamp is tampered with', async () => {
    harness.startWorker();
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/tamper` });
    await harness.waitForStatus(id!, 'delivered');
    const [request] = receiver.received('/tamper');
    const secret = await harness.secrets.current(harness.accountId);

    expect(() => verify(secret, { ...request!, body: request!.body.replace('succeeded', 'failed') })).toThrow(
      /No matching signature/,
    );
    const shifted = String(Number(request!.headers['webhook-timestamp']) - 10);
    expect(() =>
      verify(secret, { ...request!, headers: { ...request!.headers, 'webhook-timestamp': shifted } }),
    ).toThrow(/No matching signature/);
  });

  it('is retried after 500 and 503 with the same webhook-id and delivered on the 200, every attempt recorded', async () => {
    receiver.script('/flaky', [500, 503, 200]);
    harness.startWorker();
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/flaky` });

    const row = await harness.waitForStatus(id!, 'delivered');

    const requests = receiver.received('/flaky');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([row.event_id]),
    );
    expect(await harness.attempts(id!)).toEqual([
      { status_code: 500, error: 'HTTP 500' },
      { status_code: 503, error: 'HTTP 503' },
      { status_code: 200, error: null },
    ]);
    expect(row).toMatchObject({ attempts: 3, last_status_code: 200 });
  });

  it('is retried after a receiver that does not answer within the deadline, with the same webhook-id', async () => {
    receiver.script('/slow', ['hang', 200]);
    harness.startWorker({ timeoutMs: 500 });
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/slow` });

    await harness.waitForStatus(id!, 'delivered');

    const requests = receiver.received('/slow');
    expect(requests).toHaveLength(2);
    expect(requests[0]!.headers['webhook-id']).toBe(requests[1]!.headers['webhook-id']);
    expect(await harness.attempts(id!)).toEqual([
      { status_code: null, error: 'no answer within 0.5 s' },
      { status_code: 200, error: null },
    ]);
  });

  it('stops at 410 Gone: one request, no retry, the delivery failed', async () => {
    receiver.script('/gone', [410, 200]);
    harness.startWorker();
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/gone` });

    await harness.waitForStatus(id!, 'failed');
    await waitFor(async () => ((await harness.queue.getJobState(id!)) === 'completed' ? true : undefined));

    expect(receiver.received('/gone')).toHaveLength(1);
    expect(await harness.attempts(id!)).toEqual([{ status_code: 410, error: 'HTTP 410 Gone' }]);
  });

  it('does not follow a redirect: the 302 counts as a failed attempt and the target is never contacted', async () => {
    receiver.script('/moved', [{ status: 302, location: `${receiver.origin}/target` }]);
    harness.startWorker({ delaysMs: [100] });
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/moved` });

    await harness.waitForStatus(id!, 'failed');

    expect(receiver.received('/target')).toHaveLength(0);
    expect(await harness.attempts(id!)).toEqual([
      { status_code: 302, error: 'HTTP 302: redirects are not followed' },
      { status_code: 302, error: 'HTTP 302: redirects are not followed' },
    ]);
  });

  it('to a private address is refused without connecting unless OUTBOUND_ALLOW names it, and not retried', async () => {
    harness.startWorker({ allow: [] });
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/private` });

    await harness.waitForStatus(id!, 'failed');

    expect(receiver.received('/private')).toHaveLength(0);
    const attempts = await harness.attempts(id!);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/may not reach/) as unknown,
    });
  });

  it('is not held up by another receiver that hangs: the second delivery arrives while the first still waits', async () => {
    receiver.script('/hang-long', ['hang']);
    harness.startWorker({ timeoutMs: 3_000 });
    const [hanging] = await harness.announce({ webhookUrl: `${receiver.origin}/hang-long` });
    await waitFor(() => (receiver.hanging() > 0 ? true : undefined), { what: 'the hanging request' });

    const [quick] = await harness.announce({ webhookUrl: `${receiver.origin}/quick` });
    await harness.waitForStatus(quick!, 'delivered');

    expect(receiver.hanging()).toBe(1);
    expect((await harness.delivery(hanging!)).attempts).toBe(0);
  });

  it('survives a worker restart between attempts: the retry waits in Redis and arrives with the same webhook-id', async () => {
    receiver.script('/restart', [500, 200]);
    const first = harness.startWorker({ delaysMs: [1_500] });
    const [id] = await harness.announce({ webhookUrl: `${receiver.origin}/restart` });
    await waitFor(async () => ((await harness.delivery(id!)).attempts === 1 ? true : undefined));
    await waitFor(async () => ((await harness.queue.getJobState(id!)) === 'delayed' ? true : undefined));
    await first.close();
    expect(receiver.received('/restart')).toHaveLength(1);

    harness.startWorker({ delaysMs: [1_500] });
    const row = await harness.waitForStatus(id!, 'delivered');

    const requests = receiver.received('/restart');
    expect(requests).toHaveLength(2);
    expect(requests.map((request) => request.headers['webhook-id'])).toEqual([row.event_id, row.event_id]);
  });
});

describe('secret rotation', () => {
  it('sends both signatures for 24 h after a rotation, each verifying with its own secret; then only the new one', async () => {
    const old = await harness.secrets.current(harness.accountId);
    const fresh = await harness.secrets.rotate(harness.accountId);
    expect(fresh).not.toBe(old);

    harness.startWorker();
    const [during] = await harness.announce({ webhookUrl: `${receiver.origin}/rotation-during` });
    await harness.waitForStatus(during!, 'delivered');
    const [overlap] = receiver.received('/rotation-during');
    expect(overlap!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(fresh, overlap!)).toBeTruthy();
    expect(verify(old, overlap!)).toBeTruthy();
    await harness.stopWorkers();

    const dayLater = { now: () => new Date(Date.now() + 24 * 3600 * 1000 + 60_000) };
    harness.startWorker({ clock: dayLater });
    const [after] = await harness.announce({ webhookUrl: `${receiver.origin}/rotation-after` });
    await harness.waitForStatus(after!, 'delivered');
    const [single] = receiver.received('/rotation-after');
    expect(single!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verify(fresh, single!)).toBeTruthy();
    expect(() => verify(old, single!)).toThrow(/No matching signature/);
  });
});

describe('registered endpoints', () => {
  it('receive the events they subscribed to, each signed with its own secret', async () => {
    const failedOnly = await harness.endpoints.create(harness.accountId, {
      url: `${receiver.origin}/endpoint-failed`,
      events: ['render.failed'],
    });
    const both = await harness.endpoints.create(harness.accountId, {
      url: `${receiver.origin}/endpoint-both`,
      events: ['render.succeeded', 'render.failed'],
    });
    harness.startWorker();

    const ids = await harness.announce({ webhookUrl: null, eventType: 'render.succeeded' });
    expect(ids).toHaveLength(1);
    await harness.waitForStatus(ids[0]!, 'delivered');

    expect(receiver.received('/endpoint-failed')).toHaveLength(0);
    const [request] = receiver.received('/endpoint-both');
    expect(verify(both.secret, request!)).toBeTruthy();
    expect(() => verify(failedOnly.secret, request!)).toThrow(/No matching signature/);
    await harness.endpoints.remove(harness.accountId, failedOnly.id);
    await harness.endpoints.remove(harness.accountId, both.id);
  });

  it('is disabled with the reason "410 Gone" when it answers 410, and gets no further deliveries', async () => {
    receiver.script('/endpoint-gone', [410]);
    const endpoint = await harness.endpoints.create(harness.accountId, {
      url: `${receiver.origin}/endpoint-gone`,
      events: ['render.succeeded'],
    });
    harness.startWorker();
    const [id] = await harness.announce({ webhookUrl: null });
    await harness.waitForStatus(id!, 'failed');

    expect(await harness.endpoints.find(harness.accountId, endpoint.id)).toMatchObject({
      disabled_reason: '410 Gone',
      disabled_at: expect.any(Date) as unknown,
    });
    expect(await harness.announce({ webhookUrl: null })).toEqual([]);
    await harness.endpoints.remove(harness.accountId, endpoint.id);
  });

  it('is disabled once every attempt has failed for 3 days, and the account can read why', async () => {
    receiver.script('/endpoint-down', [500]);
    const endpoint = await harness.endpoints.create(harness.accountId, {
      url: `${receiver.origin}/endpoint-down`,
      events: ['render.succeeded'],
    });
    harness.startWorker({ delaysMs: [100, 100] });
    const [first] = await harness.announce({ webhookUrl: null });
    await harness.waitForStatus(first!, 'failed');
    expect(await harness.endpoints.find(harness.accountId, endpoint.id)).toMatchObject({ disabled_at: null });
    await harness.stopWorkers();

    const threeDaysLater = { now: () => new Date(Date.now() + 3 * 24 * 3600 * 1000 + 60_000) };
    harness.startWorker({ clock: threeDaysLater, delaysMs: [100, 100] });
    const [second] = await harness.announce({ webhookUrl: null });
    await harness.waitForStatus(second!, 'failed');

    const disabled = await harness.endpoints.find(harness.accountId, endpoint.id);
    expect(disabled?.disabled_reason).toMatch(
      /^Every delivery attempt failed for 3 days \(since .+\); last error: HTTP 500$/,
    );
    const log = await harness.endpoints.deliveries(harness.accountId, endpoint.id, { limit: 10 });
    expect(log.map((delivery) => delivery.attempt_log.length)).toEqual([1, 3]);
    await harness.endpoints.remove(harness.accountId, endpoint.id);
  });
});
