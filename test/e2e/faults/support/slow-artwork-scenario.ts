// Issue "Hostile tenants", part 2, on real processes: one account queues many renders whose artwork
// URL answers only after a long delay (a 127.0.0.1 host of the test's own), and while they wait on it
// another account sends ordinary renders (inline artwork, ?wait=30) and times them from the client.
// Observed from the outside: the victims' latencies, and what became of every attacker render
// (succeeded, or failed ASSET_TIMEOUT refunded exactly once). Nothing leaves 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { FaultStack } from './fault-stack.js';
import { seconds } from './figures.js';
import { request } from './load-driver.js';
import { createRenderAccount, type RenderView } from './render-account.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SlowArtworkOptions {
  /** Attacker renders, all queued before the first victim render. */
  renders: number;
  /** How long the artwork host takes to answer each request. */
  hostDelayMs: number;
  /** Victim renders, one every `victimEveryMs`, the first once the attacker's fetches are under way. */
  victims: number;
  victimEveryMs: number;
  /** Bound for the attacker's renders to end. */
  timeoutMs: number;
}

export interface VictimRender {
  status: number;
  renderStatus: string | undefined;
  latencyMs: number;
}

export interface SlowArtworkOutcome {
  refusedSubmissions: number[];
  victims: VictimRender[];
  /** Attacker renders neither succeeded nor failed ASSET_TIMEOUT (with their state). */
  unexpectedEnds: string[];
  /** Attacker renders charged other than once, or refunded other than once per failure. */
  charges: string[];
  /** Most requests the artwork host had open at once. */
  maxOpenAtHost: number;
  figures: string[];
}

interface SlowHost {
  url: string;
  open(): number;
  maxOpen(): number;
  close(): Promise<void>;
}

async function startSlowHost(delayMs: number): Promise<SlowHost> {
  const image = await sharp({
    create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .png()
    .toBuffer();
  let open = 0;
  let maxOpen = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => (open -= 1));
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed)
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/artwork.png`,
    open: () => open,
    maxOpen: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function slowArtworkTenant(
  stack: FaultStack,
  options: SlowArtworkOptions,
): Promise<SlowArtworkOutcome> {
  const began = Date.now();
  const host = await startSlowHost(options.hostDelayMs);
  try {
    const attacker = await createRenderAccount(stack);
    const victim = await createRenderAccount(stack);
    const body = JSON.parse(attacker.renderBody()) as {
      smart_objects: { uuid: string; asset: Record<string, unknown> }[];
    };
    const attackerBody = JSON.stringify({
      ...body,
      smart_objects: body.smart_objects.map((so) => ({
        uuid: so.uuid,
        asset: { url: host.url, fit: 'cover' },
      })),
    });

    // Every worker prepares a template on its first render of it (seconds of CPU): done before, so the
    // victims' figures measure the scheduling, not that cold start.
    await Promise.all(
      Array.from({ length: 2 * stack.workers.length }, () =>
        request(`${stack.gatewayUrl}/api/v1/renders?wait=30`, {
          method: 'POST',
          headers: victim.headers,
          body: victim.renderBody(),
          timeoutMs: 60_000,
        }),
      ),
    );

    const accepted: string[] = [];
    const refusedSubmissions: number[] = [];
    for (let i = 0; i < options.renders; i++) {
      const answer = await request(`${stack.gatewayUrl}/api/v1/renders`, {
        method: 'POST',
        headers: attacker.headers,
        body: attackerBody,
      });
      const uuid = (answer.body.data as { uuid?: string } | undefined)?.uuid;
      if (answer.status === 202 && uuid) accepted.push(uuid);
      else refusedSubmissions.push(answer.status);
    }
    const queuedAt = Date.now();
    const deadline = Date.now() + 60_000;
    while (host.open() === 0 && Date.now() < deadline) await sleep(50);

    const victims: VictimRender[] = [];
    for (let i = 0; i < options.victims; i++) {
      if (i > 0) await sleep(options.victimEveryMs);
      const started = Date.now();
      const answer = await request(`${stack.gatewayUrl}/api/v1/renders?wait=30`, {
        method: 'POST',
        headers: victim.headers,
        body: victim.renderBody(),
        timeoutMs: 60_000,
      });
      victims.push({
        status: answer.status,
        renderStatus: (answer.body.data as { status?: string } | undefined)?.status,
        latencyMs: Date.now() - started,
      });
    }
    const openDuringVictims = host.open();

    const renders = await attacker.waitUntilFinal(accepted, options.timeoutMs);
    const finalAt = Date.now();
    const byId = new Map(renders.map((render) => [render.uuid, render]));
    const ends = accepted.map((id) => byId.get(id));
    const unexpectedEnds = accepted.flatMap((id, i) => {
      const render = ends[i];
      if (render?.status === 'succeeded') return [];
      if (render?.status === 'failed' && render.error?.code === 'ASSET_TIMEOUT') return [];
      return [`${id}: ${render ? `${render.status} ${render.error?.code ?? ''}` : 'not listed'}`];
    });
    const ledger = await stack.admin.ledger(attacker.accountId);
    const charges = accepted.flatMap((id, i) => {
      const entries = ledger.filter((entry) => entry.render_id === id);
      const charged = entries.filter((entry) => entry.kind === 'charge').length;
      const refunded = entries.filter((entry) => entry.kind === 'refund').length;
      const failed = ends[i]?.status === 'failed';
      return charged === 1 && refunded === (failed ? 1 : 0)
        ? []
        : [`${id}: ${charged} charge(s), ${refunded} refund(s), ${ends[i]?.status}`];
    });

    const latencies = victims.map((v) => v.latencyMs).sort((a, b) => a - b);
    const count = (status: RenderView['status']) => ends.filter((r) => r?.status === status).length;
    const attempts = ends.map((r) => r?.attempts ?? 0);
    return {
      refusedSubmissions,
      victims,
      unexpectedEnds,
      charges,
      maxOpenAtHost: host.maxOpen(),
      figures: [
        `- ${options.renders} renders of one account, each with artwork at a 127.0.0.1 host answering after ${seconds(options.hostDelayMs)}, queued in ${seconds(queuedAt - began)}; ${stack.workers.length} render-workers with the default slots (WORKER_CONCURRENCY 2 compose, 16 job slots, 4 per account).`,
        `- Another account's ${victims.length} renders (inline artwork, \`?wait=30\`, one every ${seconds(options.victimEveryMs)}; the template warmed up on every worker first) answered in ${latencies.map((ms) => seconds(ms)).join(', ')} (client's time, POST to the 200 with the succeeded render); ${openDuringVictims} attacker fetches were open at the host after the last one.`,
        `- The host never had more than ${host.maxOpen()} requests open at once (${stack.workers.length} workers × 4 per account).`,
        `- The attacker's renders: ${count('succeeded')} succeeded, ${count('failed')} failed (${ends.filter((r) => r?.error?.code === 'ASSET_TIMEOUT').length} ASSET_TIMEOUT), all final ${seconds(finalAt - queuedAt)} after they were queued; attempts max ${Math.max(...attempts)} (deferrals are not attempts).`,
      ],
    };
  } finally {
    await host.close();
  }
}
