import type { AddressInfo } from 'node:net';
import express from 'express';
import { sendData, sendPage } from './respond.js';

async function answerOf(handler: express.RequestHandler): Promise<{ status: number; body: unknown }> {
  const app = express();
  app.get('/', handler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.json() };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('the success envelope', () => {
  it('answers data as { success: true, data } with 200 unless told otherwise', async () => {
    expect(await answerOf((_req, res) => sendData(res, { id: 'a' }))).toEqual({
      status: 200,
      body: { success: true, data: { id: 'a' } },
    });
    expect(await answerOf((_req, res) => sendData(res, { id: 'b' }, 201))).toEqual({
      status: 201,
      body: { success: true, data: { id: 'b' } },
    });
  });

  it('answers a page with its next_cursor, null on the last page', async () => {
    expect(await answerOf((_req, res) => sendPage(res, { items: [1, 2], nextCursor: 'abc' }))).toEqual({
      status: 200,
      body: { success: true, data: [1, 2], next_cursor: 'abc' },
    });
    expect(await answerOf((_req, res) => sendPage(res, { items: [], nextCursor: null }))).toEqual({
      status: 200,
      body: { success: true, data: [], next_cursor: null },
    });
  });
});
