// webhooks.verify against signatures made by the Standard Webhooks reference library (the one
// docs/api.md points receivers to), so the client agrees with it rather than with itself.
import { randomBytes } from 'node:crypto';
import { verifyWebhook, WebhookVerificationError } from '@platen/client';
import { Webhook } from 'standardwebhooks';

const secretOf = () => `whsec_${randomBytes(24).toString('base64')}`;
const NOW = 1_800_000_000_000;
const body = JSON.stringify({
  type: 'render.succeeded',
  timestamp: '2027-01-15T08:00:00.000Z',
  data: { uuid: 'r1' },
});

function signed(secrets: string[], payload = body, at = NOW) {
  const id = 'msg_3b8f1a56';
  const timestamp = Math.floor(at / 1000);
  const signature = secrets
    .map((secret) => new Webhook(secret).sign(id, new Date(timestamp * 1000), payload))
    .join(' ');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

const now = () => NOW;

describe('verifyWebhook (WebCrypto)', () => {
  it('accepts a genuine delivery and returns its parsed body', async () => {
    const secret = secretOf();
    const event = await verifyWebhook(signed([secret]), body, secret, { now });
    expect(event).toEqual(JSON.parse(body));
  });

  it('accepts either of the two signatures sent during a secret rotation', async () => {
    const [previous, current] = [secretOf(), secretOf()];
    const headers = signed([current, previous]);
    await expect(verifyWebhook(headers, body, previous, { now })).resolves.toEqual(JSON.parse(body));
    await expect(verifyWebhook(headers, body, current, { now })).resolves.toEqual(JSON.parse(body));
  });

  it('takes the headers as a Headers object and the body as bytes', async () => {
    const secret = secretOf();
    const event = await verifyWebhook(new Headers(signed([secret])), new TextEncoder().encode(body), secret, {
      now,
    });
    expect(event).toEqual(JSON.parse(body));
  });

  it('accepts a delivery signed with one of the secrets a receiver holds', async () => {
    const [old, fresh] = [secretOf(), secretOf()];
    await expect(verifyWebhook(signed([old]), body, [fresh, old], { now })).resolves.toBeDefined();
  });

  it('refuses a body changed after signing', async () => {
    const secret = secretOf();
    const forged = body.replace('r1', 'r2');
    await expect(verifyWebhook(signed([secret]), forged, secret, { now })).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it('refuses a signature made with another secret', async () => {
    await expect(verifyWebhook(signed([secretOf()]), body, secretOf(), { now })).rejects.toThrow(
      'No matching signature found',
    );
  });

  it('refuses a replay older than five minutes', async () => {
    const secret = secretOf();
    const stale = signed([secret], body, NOW - 301_000);
    await expect(verifyWebhook(stale, body, secret, { now })).rejects.toThrow(
      'Message timestamp too old or too new',
    );
  });

  it('refuses a delivery without the signature header', async () => {
    const secret = secretOf();
    const { 'webhook-signature': _dropped, ...headers } = signed([secret]);
    await expect(verifyWebhook(headers, body, secret, { now })).rejects.toThrow('Missing webhook headers');
  });
});
