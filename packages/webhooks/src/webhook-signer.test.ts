import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './webhook-signer.js';

const body = JSON.stringify({
  type: 'render.succeeded',
  timestamp: '2025-03-10T12:00:00.000Z',
  data: { uuid: 'r1' },
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signatures', () => {
  it('are accepted by the published standardwebhooks verifier as they are', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_1', timestamp: nowSeconds(), body }, [secret]);

    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('are refused by the verifier when the body was changed on the way', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_1', timestamp: nowSeconds(), body }, [secret]);

    expect(() => new Webhook(secret).verify(body.replace('r1', 'r2'), headers)).toThrow(
      /No matching signature/,
    );
  });

  it('are refused by the verifier when the timestamp header was changed', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_1', timestamp: nowSeconds(), body }, [secret]);

    const tampered = { ...headers, 'webhook-timestamp': String(nowSeconds() - 1) };
    expect(() => new Webhook(secret).verify(body, tampered)).toThrow(/No matching signature/);
  });

  it('are refused by the verifier when the timestamp is more than 5 minutes old (replay)', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_1', timestamp: nowSeconds() - 10 * 60, body }, [secret]);

    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/too old/);
  });

  it('are refused by the verifier holding another secret', () => {
    const headers = webhookHeaders({ id: 'msg_1', timestamp: nowSeconds(), body }, [generateWebhookSecret()]);

    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
  });

  it('carry one space-separated v1 entry per secret during a rotation, each verifiable on its own', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_2', timestamp: nowSeconds(), body }, [current, previous]);

    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
  });

  it('sign "{id}.{timestamp}.{body}" exactly as the reference implementation does', () => {
    const secret = generateWebhookSecret();
    const signed = signWebhook({ id: 'msg_3', timestamp: 1_700_000_000, body }, [secret]);

    expect(signed).toBe(new Webhook(secret).sign('msg_3', new Date(1_700_000_000 * 1000), body));
  });

  it('refuse to sign without a secret', () => {
    expect(() => signWebhook({ id: 'msg_4', timestamp: 1, body }, [])).toThrow(/at least one/);
  });
});

describe('webhook secrets', () => {
  it('are whsec_ followed by 24 random bytes in base64, different every time', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});
