// The promises every fault test checks after the fault, each as a list of violations (empty when
// kept), so a failure names the renders that broke it: every accepted render succeeded; the ledger
// holds exactly one charge per accepted render and nets to nothing for every other render id; one
// output object per render in storage; one webhook-id per render at the receiver.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { waitFor, type LedgerEntry, type WebhookReceiver } from '@platen/testing';
import type { Attempt } from './load-driver.js';
import type { RenderView } from './render-account.js';

export function unsucceeded(renders: RenderView[], accepted: readonly string[]): string[] {
  const byId = new Map(renders.map((render) => [render.uuid, render]));
  return accepted.flatMap((id) => {
    const render = byId.get(id);
    if (!render) return [`${id}: accepted (202) but not listed`];
    if (render.status === 'succeeded') return [];
    return [`${id}: ${render.status}${render.error ? ` ${render.error.code} ${render.error.message}` : ''}`];
  });
}

/**
 * Exactly one charge (of the render's price) and no refund for every accepted render; for any other
 * render id in the ledger (a request that got an error), charges and refunds cancel out; and the
 * balance is what the accepted renders cost.
 */
export function chargeViolations(input: {
  ledger: LedgerEntry[];
  renders: RenderView[];
  accepted: readonly string[];
  initialCredits: number;
  balance: number;
}): string[] {
  const { ledger, renders, accepted, initialCredits, balance } = input;
  const price = new Map(renders.map((render) => [render.uuid, render.credits_charged]));
  const byRender = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    if (entry.render_id) byRender.set(entry.render_id, [...(byRender.get(entry.render_id) ?? []), entry]);
  }
  const violations: string[] = [];
  const acceptedSet = new Set(accepted);
  let cost = 0;
  for (const id of accepted) {
    const entries = byRender.get(id) ?? [];
    const charges = entries.filter((e) => e.kind === 'charge');
    const refunds = entries.filter((e) => e.kind === 'refund');
    cost += price.get(id) ?? 0;
    if (charges.length !== 1 || refunds.length !== 0 || charges[0]!.amount !== -(price.get(id) ?? NaN)) {
      violations.push(`${id} (accepted): ${JSON.stringify(entries.map((e) => [e.kind, e.amount]))}`);
    }
  }
  for (const [id, entries] of byRender) {
    if (acceptedSet.has(id)) continue;
    const net = entries.reduce((sum, e) => sum + e.amount, 0);
    const charges = entries.filter((e) => e.kind === 'charge').length;
    if (net !== 0 || charges > 1) {
      violations.push(`${id} (not accepted): ${JSON.stringify(entries.map((e) => [e.kind, e.amount]))}`);
    }
  }
  if (balance !== initialCredits - cost) {
    violations.push(`balance ${balance}, expected ${initialCredits} - ${cost} = ${initialCredits - cost}`);
  }
  return violations;
}

/** Storage objects under renders/ by render uuid (write-then-rename leftovers `.tmp` are not objects). */
export function outputObjects(storageDir: string): {
  byRender: Map<string, string[]>;
  leftoverTemps: number;
} {
  const byRender = new Map<string, string[]>();
  let leftoverTemps = 0;
  let names: string[] = [];
  try {
    names = readdirSync(path.join(storageDir, 'renders'));
  } catch {
    // no render has finished yet
  }
  for (const name of names) {
    if (name.endsWith('.tmp')) leftoverTemps++;
    if (name.endsWith('.tmp') || name.endsWith('.content-type')) continue;
    const id = name.split('.')[0]!;
    byRender.set(id, [...(byRender.get(id) ?? []), name]);
  }
  return { byRender, leftoverTemps };
}

/** One output object per accepted render, and none for `notAccepted` (renders that got an error). */
export function outputViolations(
  storageDir: string,
  accepted: readonly string[],
  notAccepted: readonly string[],
): string[] {
  const { byRender } = outputObjects(storageDir);
  return [
    ...accepted
      .filter((id) => (byRender.get(id) ?? []).length !== 1)
      .map((id) => `${id}: ${JSON.stringify(byRender.get(id) ?? [])}`),
    ...notAccepted
      .filter((id) => byRender.has(id))
      .map((id) => `${id} (not accepted): ${JSON.stringify(byRender.get(id))}`),
  ];
}

/** Waits until each accepted render's webhook arrived; then one distinct webhook-id per render. */
export async function webhookViolations(
  receiver: WebhookReceiver,
  accepted: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  await waitFor(() => (accepted.every((id) => receiver.deliveries().has(id)) ? true : undefined), {
    timeoutMs,
    intervalMs: 250,
    what: `a webhook for each of ${accepted.length} renders (${accepted.filter((id) => !receiver.deliveries().has(id)).length} missing)`,
  }).catch(() => undefined); // the missing ones are reported below
  const acceptedSet = new Set(accepted);
  const violations: string[] = [];
  for (const id of accepted) {
    const ids = new Set(receiver.deliveries().get(id) ?? []);
    if (ids.size !== 1) violations.push(`${id}: webhook-ids ${JSON.stringify([...ids])}`);
  }
  for (const [id, ids] of receiver.deliveries()) {
    if (!acceptedSet.has(id)) violations.push(`${id} (not accepted): ${JSON.stringify(ids)}`);
  }
  return violations;
}

/** Deliveries beyond the first per render: retries, each with the same webhook-id. */
export function webhookRetries(receiver: WebhookReceiver): number {
  let retries = 0;
  for (const ids of receiver.deliveries().values()) retries += ids.length - 1;
  return retries;
}

/** Answers with a 5xx status other than those allowed (e.g. 503 during an outage). */
export function serverErrors(attempts: Attempt[], allowed: readonly number[] = []): Attempt[] {
  return attempts.filter((a) => a.status !== null && a.status >= 500 && !allowed.includes(a.status));
}
