// The `webhook-id` of an event, derived from what the event is about (a name-based UUID, RFC 9562 v5),
// so every target of one event and every re-run of the job that announces it agree on it.
import { createHash } from 'node:crypto';

// A fixed namespace for Platen webhook events (random, chosen once).
const NAMESPACE = Buffer.from('5f1c9e2a7b3d4e8f9a0b1c2d3e4f5a6b', 'hex');

export function webhookEventId(subjectId: string, eventType: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${eventType}:${subjectId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `msg_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
