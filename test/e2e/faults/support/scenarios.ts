// Each fault of issue #9, caused for real on a running stack and observed from the outside: the
// scenario drives load, causes the fault, lets the stack recover, then collects what a user would
// see (answers, renders, ledger, storage, webhooks) as lists of broken promises plus figures. The
// long (*.fault.ts) and the fast (*.test.ts) suites run the same scenarios at different sizes; the
// tests assert on the outcome. Nothing here asserts a timing.
import { startWebhookReceiver, type PrivateDatastore, type WebhookReceiver } from '@platen/testing';
import type { FaultStack } from './fault-stack.js';
import { seconds } from './figures.js';
import { acceptedRenders, request, startLoad, tally, type Attempt } from './load-driver.js';
import {
  chargeViolations,
  outputObjects,
  outputViolations,
  serverErrors,
  unsucceeded,
  webhookRetries,
  webhookViolations,
} from './promises.js';
import { createRenderAccount, type RenderAccount, type RenderView } from './render-account.js';

/** Where the scenarios' renders send their webhooks: any path of the receiver answers 200. */
const hooksUrl = (receiver: WebhookReceiver) => `${receiver.origin}/hooks/renders`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the promises look like after a fault: every list empty when all were kept. */
export interface Verdict {
  accepted: string[];
  /** Accepted renders that did not end `succeeded`. */
  unsucceeded: string[];
  /** Renders charged other than once, refunded, or error answers that cost credits. */
  charges: string[];
  /** Renders with other than one output object, or objects of renders never accepted. */
  outputs: string[];
  /** Renders with other than one webhook-id (undefined: no webhooks in this scenario). */
  webhooks?: string[];
  /** Renders of error answers left queued or processing: listed to the user, never to finish. */
  stranded: string[];
  renders: RenderView[];
  /** When every accepted render was final, and when every webhook had arrived (epoch ms). */
  finalAt: number;
  webhooksAt?: number;
  figures: string[];
}

/**
 * Renders of error answers still queued or processing. The gateway settles those (deletes or fails
 * them) in the background once the dependency that refused them is back, so they get a bounded while
 * (60 s) to go; what remains then is queued for ever.
 */
async function strandedOf(
  account: RenderAccount,
  accepted: Set<string>,
  first: RenderView[],
): Promise<string[]> {
  const open = (renders: RenderView[]) =>
    renders
      .filter((r) => !accepted.has(r.uuid) && r.status !== 'failed' && r.status !== 'succeeded')
      .map((r) => `${r.uuid}: ${r.status}`);
  let stranded = open(first);
  const deadline = Date.now() + 60_000;
  while (stranded.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    stranded = open(await account.renders().catch(() => first));
  }
  return stranded;
}

/** Waits for every accepted render to end, then checks renders, ledger, storage and webhooks. */
async function verdictOf(
  stack: FaultStack,
  account: RenderAccount,
  accepted: string[],
  receiver: WebhookReceiver | undefined,
  timeoutMs: number,
): Promise<Verdict> {
  const renders = await account.waitUntilFinal(accepted, timeoutMs);
  const finalAt = Date.now();
  const ledger = await stack.admin.ledger(account.accountId);
  const balance = await stack.admin.balance(account.accountId);
  const acceptedSet = new Set(accepted);
  const others = [
    ...new Set([...renders.map((r) => r.uuid), ...ledger.flatMap((e) => (e.render_id ? [e.render_id] : []))]),
  ].filter((id) => !acceptedSet.has(id));
  const verdict: Verdict = {
    accepted,
    unsucceeded: unsucceeded(renders, accepted),
    charges: chargeViolations({ ledger, renders, accepted, initialCredits: account.initialCredits, balance }),
    outputs: outputViolations(stack.storageDir, accepted, others),
    stranded: await strandedOf(account, acceptedSet, renders),
    renders,
    finalAt,
    figures: [],
  };
  if (receiver) {
    // Generous: a delivery job of a killed worker waits out its lock (BullMQ's default 30 s) first.
    verdict.webhooks = await webhookViolations(receiver, accepted, 120_000);
    verdict.webhooksAt = Date.now();
  }
  return verdict;
}

function describeTally(attempts: Attempt[]): string {
  return Object.entries(tally(attempts))
    .map(([outcome, count]) => `${count} × ${outcome}`)
    .join(', ');
}

// ------------------------------------------------------------------ worker SIGKILL

export interface WorkerKillOutcome extends Verdict {
  /** Answers to the submissions other than 202. */
  refusedSubmissions: Attempt[];
  /** Renders a worker started more than once (the killed worker's jobs). */
  interrupted: number;
  /** Renders still unfinished when the worker was killed. */
  unfinishedAtKill: number;
}

/**
 * Queues `renders` renders (each with a webhook_url), SIGKILLs the first worker once some have
 * finished and the rest are still queued or in progress, and lets the other worker(s) finish the
 * queue, the killed worker's jobs included. Starts the killed worker again at the end.
 */
export async function workerKilledMidQueue(
  stack: FaultStack,
  { renders: count, timeoutMs }: { renders: number; timeoutMs: number },
): Promise<WorkerKillOutcome> {
  const began = Date.now();
  const account = await createRenderAccount(stack);
  const receiver = await startWebhookReceiver();
  try {
    const load = startLoad({
      url: `${stack.gatewayUrl}/api/v1/renders`,
      headers: account.headers,
      body: () => account.renderBody(hooksUrl(receiver)),
      clients: 8,
      maxRequests: count,
      deadlineMs: 120_000,
    });
    // Kill once a few renders have finished: the queue is then still full and the worker busy.
    const killAfter = Math.max(2, Math.floor(count / 10));
    const deadline = Date.now() + 120_000;
    while (outputObjects(stack.storageDir).byRender.size < killAfter && Date.now() < deadline)
      await sleep(50);
    const victim = stack.workers[0]!;
    await victim.kill();
    const killedAt = Date.now();
    const attempts = await load.done;
    const accepted = acceptedRenders(attempts);
    const unfinishedAtKill = count - outputObjects(stack.storageDir).byRender.size;
    const verdict = await verdictOf(stack, account, accepted, receiver, timeoutMs);
    await victim.start();
    const interrupted = verdict.renders.filter((r) => r.attempts > 1).length;
    verdict.figures = [
      `- ${count} renders submitted by 8 clients (each with a webhook_url), ${stack.workers.length} render-workers (WORKER_CONCURRENCY 2); ${describeTally(attempts)}.`,
      `- Worker 1 SIGKILLed ${seconds(killedAt - began)} after the first submission, with ${unfinishedAtKill} renders not yet finished; ${interrupted} renders were started again by another worker (attempts > 1).`,
      `- All ${accepted.length} accepted renders final ${seconds(verdict.finalAt - killedAt)} after the kill (a stalled render job waits for its lock to lapse: lockDuration 10 s + stalledInterval 5 s); every webhook received ${seconds(verdict.webhooksAt! - killedAt)} after it.`,
      `- Webhooks: ${receiver.received().length} deliveries for ${receiver.deliveries().size} renders (${webhookRetries(receiver)} retries, same webhook-id); ${outputObjects(stack.storageDir).leftoverTemps} leftover temp files in storage.`,
      `- The scenario took ${seconds(Date.now() - began)}, the killed worker's restart included.`,
    ];
    return {
      ...verdict,
      refusedSubmissions: attempts.filter((a) => a.status !== 202),
      interrupted,
      unfinishedAtKill,
    };
  } finally {
    await receiver.close();
  }
}

// ------------------------------------------------------------------ a datastore restarted under load

export interface OutageOutcome extends Verdict {
  attempts: Attempt[];
  /** Answers that are neither a success (2xx) nor the 503 an outage may cause. */
  unexpectedAnswers: Attempt[];
  /** Requests sent while the datastore was down (or starting). */
  duringOutage: Attempt[];
  /** Processes whose pid changed (restarted or died): they must recover by themselves. */
  restartedProcesses: string[];
  /** The last output of each of those, saying why. */
  deathNotes: string[];
  /** A 202 for a request sent after the datastore was back. */
  recovered: boolean;
}

export interface OutageOptions {
  what: string;
  datastore: PrivateDatastore;
  /** Load before the stop, the outage itself, and load after the restart. */
  leadMs: number;
  outageMs: number;
  tailMs: number;
  clients: number;
  /** Each client's pause between requests. */
  pauseMs: number;
  timeoutMs: number;
}

/**
 * Renders are submitted (with webhooks) throughout; the datastore is stopped cleanly (Redis with
 * its AOF written), left down for `outageMs`, and started again. Nothing else is restarted.
 */
export async function datastoreRestartedUnderLoad(
  stack: FaultStack,
  options: OutageOptions,
): Promise<OutageOutcome> {
  const began = Date.now();
  const account = await createRenderAccount(stack);
  const receiver = await startWebhookReceiver();
  const processes = [stack.keyService, stack.gateway, ...stack.workers];
  const pidsBefore = processes.map((proc) => proc.pid);
  try {
    const load = startLoad({
      url: `${stack.gatewayUrl}/api/v1/renders`,
      headers: account.headers,
      body: () => account.renderBody(hooksUrl(receiver)),
      clients: options.clients,
      pauseMs: options.pauseMs,
      maxRequests: 5_000,
      deadlineMs: options.leadMs + options.outageMs + options.tailMs + 120_000,
    });
    await sleep(options.leadMs);
    const stopping = Date.now();
    await options.datastore.stop();
    const stoppedAt = Date.now();
    await sleep(options.outageMs);
    await options.datastore.start();
    const backAt = Date.now();
    // Recovered: a request sent after the restart was accepted. Bounded by the load's own deadline.
    let recoveredAt: number | undefined;
    while (recoveredAt === undefined && Date.now() - backAt < 60_000) {
      recoveredAt = load.attempts.find((a) => a.sentAt >= backAt && a.status === 202)?.answeredAt;
      if (recoveredAt === undefined) await sleep(50);
    }
    await sleep(options.tailMs);
    const attempts = await load.stop();
    const accepted = acceptedRenders(attempts);
    const duringOutage = attempts.filter((a) => a.sentAt >= stopping && a.sentAt < backAt);
    const restarted = processes.filter((proc, i) => proc.pid === undefined || proc.pid !== pidsBefore[i]);
    const restartedProcesses = restarted.map((proc) => proc.name);
    const deathNotes = restarted.map((proc) => `--- ${proc.name} ---\n${proc.output().slice(-3_000)}`);
    const verdict = await verdictOf(stack, account, accepted, receiver, options.timeoutMs).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${deathNotes.join('\n')}`);
      },
    );
    const refused = attempts.filter((a) => a.status === 503).length;
    verdict.figures = [
      `- ${options.clients} clients submitting renders (webhook_url set, ${options.pauseMs} ms pause between a client's requests): ${attempts.length} requests over ${seconds(options.leadMs)} before, the outage and ${seconds(options.tailMs)} after recovery; ${describeTally(attempts)}.`,
      `- ${options.what} stopped in ${seconds(stoppedAt - stopping)}, down ${seconds(options.outageMs)}, started again in ${seconds(backAt - stoppedAt - options.outageMs)}; ${duringOutage.length} requests sent meanwhile: ${describeTally(duringOutage) || 'none'}.`,
      `- ${refused} answers 503 in all; first request accepted again ${recoveredAt === undefined ? 'never (within 60 s)' : `${seconds(recoveredAt - backAt)} after ${options.what} was back`}; no service restarted${restartedProcesses.length ? ` except ${restartedProcesses.join(', ')}` : ''}.`,
      `- ${accepted.length} accepted renders all final, ${verdict.renders.filter((r) => r.attempts > 1).length} of them run more than once; ${receiver.received().length} webhook deliveries (${webhookRetries(receiver)} retries). The scenario took ${seconds(Date.now() - began)}.`,
    ];
    return {
      ...verdict,
      attempts,
      unexpectedAnswers: attempts.filter((a) => a.status === null || (a.status >= 300 && a.status !== 503)),
      duringOutage,
      restartedProcesses,
      deathNotes,
      recovered: recoveredAt !== undefined,
    };
  } finally {
    await receiver.close();
  }
}

// ------------------------------------------------------------------ key-service killed

export interface KeyServiceOutageOutcome extends Verdict {
  /** GET /api/v1/mockups with a key the gateway had verified, during the outage. */
  cachedKeyAnswers: Attempt[];
  /** The same with a valid key the gateway had never seen. */
  unknownKeyAnswers: Attempt[];
  /** Renders submitted with the cached key during the outage (credits cannot be charged). */
  rendersDuringOutage: Attempt[];
  /** The unknown key's first 200 after the key-service was started again. */
  recoveredAfterMs: number | undefined;
}

export async function keyServiceKilled(
  stack: FaultStack,
  { outageMs, timeoutMs }: { outageMs: number; timeoutMs: number },
): Promise<KeyServiceOutageOutcome> {
  const began = Date.now();
  const account = await createRenderAccount(stack);
  const unknownKey = (await stack.admin.createKey(account.accountId)).key;
  const mockupsUrl = `${stack.gatewayUrl}/api/v1/mockups?limit=1`;
  const get = (key: string) =>
    startLoad({
      url: mockupsUrl,
      method: 'GET',
      headers: { 'x-api-key': key },
      clients: 1,
      pauseMs: 100,
      maxRequests: 1_000,
      deadlineMs: outageMs,
    });
  // Queued just before the kill: the workers finish them without the key-service.
  const before = startLoad({
    url: `${stack.gatewayUrl}/api/v1/renders`,
    headers: account.headers,
    body: () => account.renderBody(),
    clients: 2,
    maxRequests: 6,
    deadlineMs: 60_000,
  });
  const queued = acceptedRenders(await before.done);

  await stack.keyService.kill();
  const killedAt = Date.now();
  const [cached, unknown, renders] = await Promise.all([
    get(account.key).done,
    get(unknownKey).done,
    startLoad({
      url: `${stack.gatewayUrl}/api/v1/renders`,
      headers: account.headers,
      body: () => account.renderBody(),
      clients: 1,
      pauseMs: 200,
      maxRequests: 1_000,
      deadlineMs: outageMs,
    }).done,
  ]);
  const queuedFinal = await account.waitUntilFinal(queued, timeoutMs).catch(() => []);
  const finishedDuringOutage = queuedFinal.filter(
    (r) => queued.includes(r.uuid) && r.status === 'succeeded',
  ).length;

  await stack.keyService.start();
  const backAt = Date.now();
  let recoveredAfterMs: number | undefined;
  while (recoveredAfterMs === undefined && Date.now() - backAt < 60_000) {
    if (
      (await request(mockupsUrl, { headers: { 'x-api-key': unknownKey } }).catch(() => undefined))?.status ===
      200
    )
      recoveredAfterMs = Date.now() - backAt;
    else await sleep(100);
  }
  const after = await startLoad({
    url: `${stack.gatewayUrl}/api/v1/renders`,
    headers: { 'x-api-key': unknownKey },
    body: () => account.renderBody(),
    clients: 1,
    maxRequests: 3,
    deadlineMs: 30_000,
  }).done;
  const accepted = [...queued, ...acceptedRenders(renders), ...acceptedRenders(after)];
  const verdict = await verdictOf(stack, account, accepted, undefined, timeoutMs);
  verdict.figures = [
    `- key-service SIGKILLed for ${seconds(outageMs)} (${seconds(Date.now() - killedAt)} until the checks ended); ${queued.length} renders queued just before it: ${finishedDuringOutage} succeeded during the outage.`,
    `- During the outage: cached key ${describeTally(cached)}; never-seen key ${describeTally(unknown)}; renders with the cached key ${describeTally(renders)}.`,
    `- key-service started again; the never-seen key was accepted ${recoveredAfterMs === undefined ? 'never (within 60 s)' : `${seconds(recoveredAfterMs)} later`}; renders after recovery: ${describeTally(after)}. The scenario took ${seconds(Date.now() - began)}.`,
  ];
  return {
    ...verdict,
    cachedKeyAnswers: cached,
    unknownKeyAnswers: unknown,
    rendersDuringOutage: renders,
    recoveredAfterMs,
  };
}

// ------------------------------------------------------------------ gateway SIGTERM

export interface GatewayShutdownOutcome extends Verdict {
  exitCode: number | null;
  /** `POST ?wait=30` requests held by the gateway (their renders queued) when it got SIGTERM. */
  held: Attempt[];
  load: Attempt[];
  /** Load requests without an HTTP answer for a reason other than a refused or reset connection. */
  lostInFlight: Attempt[];
}

/**
 * The workers are stopped so that `held` renders stay queued and their `?wait=30` requests stay in
 * flight; background load keeps coming; the gateway gets SIGTERM, exits, and is started again
 * (as an orchestrator would) while the load goes on; then the workers come back.
 */
export async function gatewaySigtermUnderLoad(
  stack: FaultStack,
  {
    held: heldCount,
    downMs,
    tailMs,
    timeoutMs,
  }: { held: number; downMs: number; tailMs: number; timeoutMs: number },
): Promise<GatewayShutdownOutcome> {
  const began = Date.now();
  const account = await createRenderAccount(stack);
  await Promise.all(stack.workers.map((worker) => worker.stop()));
  try {
    const heldSent = Date.now();
    const held = Array.from({ length: heldCount }, (_, seq) => {
      const attempt: Attempt = { seq, sentAt: heldSent, answeredAt: 0, status: null };
      const answered = request(`${stack.gatewayUrl}/api/v1/renders?wait=30`, {
        method: 'POST',
        headers: account.headers,
        body: account.renderBody(),
        timeoutMs: 60_000,
      }).then(
        (answer) => {
          attempt.status = answer.status;
          attempt.code = answer.body.code;
          attempt.renderId = (answer.body.data as { uuid?: string } | undefined)?.uuid;
        },
        (error: NodeJS.ErrnoException) => {
          attempt.failure = error.code ?? error.message;
        },
      );
      return { attempt, answered: answered.then(() => void (attempt.answeredAt = Date.now())) };
    });
    // Held: every one is a queued render the gateway is waiting on.
    const deadline = Date.now() + 30_000;
    while ((await account.renders()).length < heldCount && Date.now() < deadline) await sleep(100);
    const load = startLoad({
      url: `${stack.gatewayUrl}/api/v1/renders`,
      headers: account.headers,
      body: () => account.renderBody(),
      clients: 3,
      pauseMs: 30,
      maxRequests: 5_000,
      deadlineMs: 120_000,
    });
    await sleep(1_000);
    const sigtermAt = Date.now();
    const exitCode = await stack.gateway.stop();
    const exitedAt = Date.now();
    await Promise.all(held.map((h) => h.answered));
    await sleep(downMs);
    const restartAt = Date.now();
    await stack.gateway.start();
    const upAt = Date.now();
    await sleep(tailMs);
    const attempts = await load.stop();
    await Promise.all(stack.workers.map((worker) => worker.start()));
    const heldAttempts = held.map((h) => h.attempt);
    const accepted = [...acceptedRenders(heldAttempts), ...acceptedRenders(attempts)];
    const verdict = await verdictOf(stack, account, accepted, undefined, timeoutMs);
    const inFlightAtSigterm = attempts.filter((a) => a.sentAt < sigtermAt && a.answeredAt >= sigtermAt);
    verdict.figures = [
      `- ${heldCount} \`POST /api/v1/renders?wait=30\` held (workers stopped, renders queued) and 3 clients submitting renders when the gateway got SIGTERM; it exited ${exitCode} after ${seconds(exitedAt - sigtermAt)}; held requests: ${describeTally(heldAttempts)}.`,
      `- Load requests in flight at the SIGTERM: ${inFlightAtSigterm.length} (${describeTally(inFlightAtSigterm) || 'none'}); all load requests: ${describeTally(attempts)}.`,
      `- Gateway started again ${seconds(restartAt - exitedAt)} after it exited and ready after ${seconds(upAt - restartAt)}; ${accepted.length} accepted renders all final once the workers were back. The scenario took ${seconds(Date.now() - began)}.`,
    ];
    return {
      ...verdict,
      exitCode,
      held: heldAttempts,
      load: attempts,
      lostInFlight: attempts.filter(
        (a) => a.status === null && a.failure !== 'ECONNREFUSED' && a.failure !== 'ECONNRESET',
      ),
    };
  } finally {
    await Promise.all(stack.workers.filter((w) => !w.running()).map((worker) => worker.start()));
    if (!stack.gateway.running()) await stack.gateway.start();
  }
}

// ------------------------------------------------------------------ a key expiring during a burst

export interface ExpiryOutcome {
  expiresAt: number;
  attempts: Attempt[];
  /** Accepted although sent at or after expires_at. */
  acceptedAfterExpiry: Attempt[];
  /** Refused as expired although answered before expires_at. */
  expiredBeforeExpiry: Attempt[];
  /** Anything but 200 or 401 API_KEY_EXPIRED. */
  otherAnswers: Attempt[];
  figures: string[];
}

/**
 * A key expiring on a whole second ~`leadMs` ahead, used by a burst of requests from before until
 * after that second. The server decides each request between its send and its answer, so: an
 * acceptance must have been sent before expires_at, an expiry refusal answered at or after it.
 */
export async function keyExpiringDuringBurst(
  stack: FaultStack,
  { leadMs, afterMs, clients }: { leadMs: number; afterMs: number; clients: number },
): Promise<ExpiryOutcome> {
  const accountId = await stack.admin.createAccount(0);
  const expiresAt = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
  const { key } = await stack.admin.createKey(accountId, { expires_at: new Date(expiresAt).toISOString() });
  const attempts = await startLoad({
    url: `${stack.gatewayUrl}/api/v1/mockups?limit=1`,
    method: 'GET',
    headers: { 'x-api-key': key },
    clients,
    pauseMs: 5,
    maxRequests: 20_000,
    deadlineMs: expiresAt + afterMs - Date.now(),
  }).done;
  const accepted = attempts.filter((a) => a.status === 200);
  const expired = attempts.filter((a) => a.status === 401 && a.code === 'API_KEY_EXPIRED');
  const lastAccepted = Math.max(...accepted.map((a) => a.sentAt));
  const firstExpired = Math.min(...expired.map((a) => a.answeredAt));
  return {
    expiresAt,
    attempts,
    acceptedAfterExpiry: accepted.filter((a) => a.sentAt >= expiresAt),
    expiredBeforeExpiry: expired.filter((a) => a.answeredAt < expiresAt),
    otherAnswers: attempts.filter((a) => !accepted.includes(a) && !expired.includes(a)),
    figures: [
      `- Key expiring at a whole second ${seconds(leadMs)} ahead; ${clients} clients sent ${attempts.length} requests until ${seconds(afterMs)} past it: ${describeTally(attempts)}.`,
      `- Last accepted request sent ${expiresAt - lastAccepted} ms before expires_at; first API_KEY_EXPIRED answered ${firstExpired - expiresAt} ms after it.`,
    ],
  };
}

export { serverErrors };
