import { setTimeout as sleep } from 'node:timers/promises';
import { createSettleLater } from './settle-later.js';

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (_fields: object, message: string) => void lines.push(`warn ${message}`),
      error: (_fields: object, message: string) => void lines.push(`error ${message}`),
    },
  };
}

it('tries an undo step again until its dependency is back', async () => {
  const { logger, lines } = recordingLogger();
  let calls = 0;
  createSettleLater(logger, { firstDelayMs: 5, maxDelayMs: 10 })('discard', () => {
    calls++;
    return calls < 3 ? Promise.reject(new Error('connection refused')) : Promise.resolve();
  });
  await sleep(200);
  expect(calls).toBe(3);
  expect(lines).toEqual(['warn discard: done on a later attempt']);
});

it('gives up after its attempts and says so for a person to reconcile', async () => {
  const { logger, lines } = recordingLogger();
  let calls = 0;
  createSettleLater(logger, { attempts: 3, firstDelayMs: 1, maxDelayMs: 2 })('refund', () => {
    calls++;
    return Promise.reject(new Error('still down'));
  });
  await sleep(200);
  expect(calls).toBe(3);
  expect(lines).toEqual(['error refund: gave up, reconcile by hand']);
});
