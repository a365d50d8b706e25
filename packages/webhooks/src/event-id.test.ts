import { webhookEventId } from './event-id.js';

describe('webhook event ids', () => {
  it('are the same for the same render and event, so every target and re-run share one webhook-id', () => {
    const renderId = '0b8f7a52-7c3e-4d7a-9d4e-2f1f6c1a9b10';
    expect(webhookEventId(renderId, 'render.succeeded')).toBe(webhookEventId(renderId, 'render.succeeded'));
    expect(webhookEventId(renderId, 'render.succeeded')).toMatch(
      /^msg_[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('differ between events and between renders', () => {
    const a = '0b8f7a52-7c3e-4d7a-9d4e-2f1f6c1a9b10';
    const b = '7d1e4c0a-3b2f-4e6a-8c9d-1a2b3c4d5e6f';
    expect(webhookEventId(a, 'render.succeeded')).not.toBe(webhookEventId(a, 'render.failed'));
    expect(webhookEventId(a, 'render.succeeded')).not.toBe(webhookEventId(b, 'render.succeeded'));
  });
});
