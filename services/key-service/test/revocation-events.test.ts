import { CHANNELS, channelName, keyRevokedEventSchema, type KeyRevokedEvent } from '@platen/queue';
import { waitFor } from '@platen/testing';
import { Redis } from 'ioredis';
import { startHarness, uniqueEmail, type Harness } from './harness.js';

let h: Harness;
let subscriber: Redis;
const received: KeyRevokedEvent[] = [];

beforeAll(async () => {
  h = await startHarness('events');
  subscriber = new Redis(h.testRedis.url);
  subscriber.on('message', (_channel: string, message: string) => {
    received.push(keyRevokedEventSchema.parse(JSON.parse(message)));
  });
  await subscriber.subscribe(channelName(h.testRedis.prefix, CHANNELS.keyRevoked));
});
afterAll(async () => {
  subscriber.disconnect();
  await h.close();
});

function eventFor(match: (event: KeyRevokedEvent) => boolean) {
  return waitFor(() => received.find(match), { timeoutMs: 5_000, what: 'a key.revoked event' });
}

describe('revocation events on Redis', () => {
  it('publishes { key_id, reason: "revoked" } when a key is revoked', async () => {
    const account = await h.stores.accounts.create({ email: uniqueEmail('events'), credits: 0 });
    const created = await h.stores.keys.create(account.id, { name: 'x' });
    await h.stores.keys.revoke(created.id);
    expect(await eventFor((e) => 'key_id' in e && e.key_id === created.id)).toEqual({
      key_id: created.id,
      reason: 'revoked',
    });
  });

  it('publishes { key_id: <old key>, reason: "rotated" } as soon as a key is rotated, grace or not', async () => {
    const account = await h.stores.accounts.create({ email: uniqueEmail('events'), credits: 0 });
    const created = await h.stores.keys.create(account.id, { name: 'x' });
    await h.stores.keys.rotate(created.id, { grace_seconds: 3600 });
    expect(await eventFor((e) => 'key_id' in e && e.key_id === created.id)).toEqual({
      key_id: created.id,
      reason: 'rotated',
    });
  });

  it('publishes { account_id, reason: "account_disabled" } when an account is disabled', async () => {
    const account = await h.stores.accounts.create({ email: uniqueEmail('events'), credits: 0 });
    await h.stores.accounts.disable(account.id);
    expect(await eventFor((e) => 'account_id' in e && e.account_id === account.id)).toEqual({
      account_id: account.id,
      reason: 'account_disabled',
    });
  });

  it('publishes nothing when a revoke is refused', async () => {
    const before = received.length;
    await expect(h.stores.keys.revoke('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A later, real revoke arrives; nothing arrived for the refused one in between.
    const account = await h.stores.accounts.create({ email: uniqueEmail('events'), credits: 0 });
    const created = await h.stores.keys.create(account.id, { name: 'x' });
    await h.stores.keys.revoke(created.id);
    await eventFor((e) => 'key_id' in e && e.key_id === created.id);
    expect(received.slice(before)).toEqual([{ key_id: created.id, reason: 'revoked' }]);
  });
});
