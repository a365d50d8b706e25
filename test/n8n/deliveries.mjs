// Webhook deliveries the test sends to n8n itself, signed with the account's real signing secret by
// the published `standardwebhooks` library: one valid, and the forgeries the receiving branch must
// turn away (tampered body, tampered timestamp, a replay from 10 minutes ago, no signature).
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const REPLAY_AGE_SECONDS = 600;

function signed(secret, { id, timestamp, body }) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
  };
}

/** [{ name, id, headers, body, expect: 'accepted' | 'rejected' }] */
export function testDeliveries(secret) {
  const now = Math.floor(Date.now() / 1000);
  const event = (type) =>
    JSON.stringify({
      type,
      timestamp: new Date().toISOString(),
      data: {
        uuid: randomUUID(),
        status: 'failed',
        result: null,
        error: { code: 'RENDER_FAILED', message: 'test' },
      },
    });
  const delivery = (name, expect, build) => {
    const id = `msg_n8n_test_${name.replaceAll(' ', '_')}_${randomUUID()}`;
    const body = event('render.failed');
    return { name, id, expect, ...build({ id, body }) };
  };
  return [
    delivery('valid render.failed', 'accepted', ({ id, body }) => ({
      body,
      headers: signed(secret, { id, timestamp: now, body }),
    })),
    delivery('tampered body', 'rejected', ({ id, body }) => ({
      body: body.replace('"render.failed"', '"render.succeeded"'),
      headers: signed(secret, { id, timestamp: now, body }),
    })),
    delivery('tampered timestamp', 'rejected', ({ id, body }) => ({
      body,
      headers: { ...signed(secret, { id, timestamp: now, body }), 'webhook-timestamp': String(now + 1) },
    })),
    delivery('replay 10 minutes old', 'rejected', ({ id, body }) => ({
      body,
      headers: signed(secret, { id, timestamp: now - REPLAY_AGE_SECONDS, body }),
    })),
    delivery('no signature', 'rejected', ({ id, body }) => ({
      body,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(now) },
    })),
  ];
}
