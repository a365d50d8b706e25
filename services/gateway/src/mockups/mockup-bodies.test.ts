import express from 'express';
import { createMockupBodies, weakEtag } from './mockup-bodies.js';
import type { MockupPage } from './mockup-store.js';

const page = (shareKey: string | null, items = ['{"uuid":"a"}', '{"uuid":"b"}']): MockupPage => ({
  items: [],
  itemsJson: items,
  nextCursor: null,
  shareKey,
});

describe('mockup answers', () => {
  it('are the list envelope, byte for byte what res.json would send', () => {
    const { body } = createMockupBodies().page({ ...page(null), nextCursor: 'abc' });
    expect(JSON.parse(body.toString())).toEqual({
      success: true,
      data: [{ uuid: 'a' }, { uuid: 'b' }],
      next_cursor: 'abc',
    });
  });

  it('reuse the bytes of a shared page and assemble pages of own mockups each time', () => {
    const bodies = createMockupBodies();
    expect(bodies.page(page('1:7:20:')).body).toBe(bodies.page(page('1:7:20:')).body);
    expect(bodies.page(page('1:8:20:')).body).not.toBe(bodies.page(page('1:7:20:')).body);
    expect(bodies.page(page(null)).body).not.toBe(bodies.page(page(null)).body);
    expect(bodies.page(page(null)).etag).toBeUndefined();
  });

  it('tag a shared page with the weak ETag express would give it', async () => {
    const body = Buffer.from('{"success":true,"data":[]}');
    const app = express().get('/', (_req, res) => {
      res.send(body);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(weakEtag(body)).toBe(response.headers.get('etag'));
    } finally {
      server.close();
    }
  });
});
