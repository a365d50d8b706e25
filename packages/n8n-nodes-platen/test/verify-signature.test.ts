import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyDelivery } from '../src/webhook/verify-signature';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const now = 1_800_000_000;
const body = JSON.stringify({ type: 'render.succeeded', data: { uuid: 'r1', status: 'succeeded' } });

/** Headers as Platen sends them, signed by the reference Standard Webhooks library. */
function signed(id: string, timestamp: number, payload: string, key = secret) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(key).sign(id, new Date(timestamp * 1000), payload),
  };
}

const verify = (headers: Record<string, string | undefined>, raw = body, nowSeconds = now) =>
  verifyDelivery({ secret, headers, rawBody: Buffer.from(raw), nowSeconds });

describe('verifyDelivery', () => {
  it('accepts a delivery signed with the endpoint secret and returns its webhook-id', () => {
    expect(verify(signed('msg_1', now, body))).toEqual({ ok: true, webhookId: 'msg_1' });
  });

  it('accepts a delivery whose second signature matches (a secret rotation sends two)', () => {
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    const headers = signed('msg_2', now, body);
    const old = signed('msg_2', now, body, other)['webhook-signature'];
    headers['webhook-signature'] = `${old} ${headers['webhook-signature']}`;
    expect(verify(headers)).toEqual({ ok: true, webhookId: 'msg_2' });
  });

  it('accepts a timestamp up to 5 minutes either side of the clock', () => {
    expect(verify(signed('msg_3', now - 300, body)).ok).toBe(true);
    expect(verify(signed('msg_4', now + 300, body)).ok).toBe(true);
  });

  it('refuses a tampered body', () => {
    const headers = signed('msg_5', now, body);
    expect(verify(headers, body.replace('succeeded', 'failed___'))).toEqual({
      ok: false,
      reason: 'no signature matches',
    });
  });

  it('refuses a tampered timestamp or webhook-id', () => {
    expect(verify({ ...signed('msg_6', now, body), 'webhook-timestamp': String(now + 1) }).ok).toBe(false);
    expect(verify({ ...signed('msg_7', now, body), 'webhook-id': 'msg_other' }).ok).toBe(false);
  });

  it('refuses a replay older than 5 minutes even with a valid signature', () => {
    expect(verify(signed('msg_8', now - 301, body))).toEqual({
      ok: false,
      reason: 'webhook-timestamp is more than 5 minutes from now',
    });
  });

  it('refuses a delivery signed with another secret', () => {
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    expect(verify(signed('msg_9', now, body, other)).ok).toBe(false);
  });

  it.each([
    ['no signature', { 'webhook-id': 'msg_a', 'webhook-timestamp': String(now) }],
    ['no id', { 'webhook-timestamp': String(now), 'webhook-signature': 'v1,AAAA' }],
    [
      'a non-numeric timestamp',
      { 'webhook-id': 'm', 'webhook-timestamp': 'soon', 'webhook-signature': 'v1,AAAA' },
    ],
    ['an unknown signature version', { ...signed('msg_b', now, body), 'webhook-signature': 'v2,AAAA' }],
  ])('refuses %s', (_name, headers) => {
    expect(verify(headers).ok).toBe(false);
  });
});
