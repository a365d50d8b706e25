// The promises of each fault as jest describe blocks, shared by the fast subset (*.test.ts, one
// stack, small sizes) and the long suite (*.fault.ts, a stack per fault, full sizes): the scenario
// runs once in beforeAll, each `it` checks one promise on what it observed. Figures go to the
// results file when FAULT_FIGURES is set (always for the long suite).
import type { FaultStack } from './fault-stack.js';
import { recordFigures } from './figures.js';
import {
  serverErrors,
  type ExpiryOutcome,
  type GatewayShutdownOutcome,
  type KeyServiceOutageOutcome,
  type OutageOutcome,
  type WorkerKillOutcome,
} from './scenarios.js';

export interface SuiteOptions<T> {
  /** The describe title; also the figures' section title. */
  title: string;
  run: () => Promise<T>;
  timeoutMs: number;
  /** The stack, for its processes' output in failure messages. */
  stack: () => FaultStack | undefined;
  /** Write the figures even without FAULT_FIGURES (the long suite). */
  record?: boolean;
}

function setUp<T extends { figures: string[] }>(options: SuiteOptions<T>): () => T {
  let outcome: T | undefined;
  beforeAll(async () => {
    outcome = await options.run();
    if (options.record || process.env.FAULT_FIGURES) recordFigures(options.title, outcome.figures);
  }, options.timeoutMs);
  return () => {
    if (!outcome) throw new Error('the scenario did not run (see the beforeAll failure)');
    return outcome;
  };
}

/** Adds every process's recent output to a failure: what a reader needs to see why. */
function explained<T>(options: SuiteOptions<unknown>, value: T): T | { value: T; outputs: string } {
  const stack = options.stack();
  return stack && JSON.stringify(value) !== '[]' ? { value, outputs: stack.outputs() } : value;
}

export function workerKillSuite(options: SuiteOptions<WorkerKillOutcome> & { renders: number }): void {
  describe(options.title, () => {
    const outcome = setUp(options);

    it(`accepted all ${options.renders} renders, and the kill interrupted renders in progress`, () => {
      expect(outcome().refusedSubmissions).toEqual([]);
      expect(outcome().accepted).toHaveLength(options.renders);
      expect(outcome().interrupted).toBeGreaterThan(0);
    });
    it('ends every render succeeded', () => expect(explained(options, outcome().unsucceeded)).toEqual([]));
    it('charges each render exactly once', () => expect(outcome().charges).toEqual([]));
    it('stores one output object per render', () => expect(outcome().outputs).toEqual([]));
    it('sends each render’s webhook under one webhook-id', () => expect(outcome().webhooks).toEqual([]));
  });
}

export function datastoreRestartSuite(options: SuiteOptions<OutageOutcome>): void {
  describe(options.title, () => {
    const outcome = setUp(options);

    it('answers 503 during the outage, never 500', () => {
      expect(outcome().duringOutage.length).toBeGreaterThan(0);
      expect(explained(options, serverErrors(outcome().attempts, [503]))).toEqual([]);
      expect(outcome().unexpectedAnswers).toEqual([]);
    });
    it('recovers without restarting any service', () => {
      expect(outcome().recovered).toBe(true);
      expect(outcome().restartedProcesses).toEqual([]);
      expect(outcome().deathNotes).toEqual([]);
    });
    it('completes every accepted (202) render', () =>
      expect(explained(options, outcome().unsucceeded)).toEqual([]));
    it('charges each accepted render once, and nothing for an error answer', () =>
      expect(outcome().charges).toEqual([]));
    it('leaves no render of an error answer queued for ever', () => expect(outcome().stranded).toEqual([]));
    it('stores one output object per render', () => expect(outcome().outputs).toEqual([]));
    it('sends each render’s webhook under one webhook-id', () => expect(outcome().webhooks).toEqual([]));
  });
}

export function keyServiceOutageSuite(options: SuiteOptions<KeyServiceOutageOutcome>): void {
  describe(options.title, () => {
    const outcome = setUp(options);

    it('keeps serving a key the gateway had verified', () => {
      expect(outcome().cachedKeyAnswers.length).toBeGreaterThan(0);
      expect(outcome().cachedKeyAnswers.filter((a) => a.status !== 200)).toEqual([]);
    });
    it('answers 503 AUTH_UNAVAILABLE, never 401 or 500, for a key it has not seen', () => {
      expect(outcome().unknownKeyAnswers.length).toBeGreaterThan(0);
      expect(
        outcome().unknownKeyAnswers.filter((a) => a.status !== 503 || a.code !== 'AUTH_UNAVAILABLE'),
      ).toEqual([]);
    });
    it('refuses renders it cannot charge with 503, never 500, and charges none of them', () => {
      expect(outcome().rendersDuringOutage.filter((a) => a.status !== 503)).toEqual([]);
      expect(outcome().charges).toEqual([]);
    });
    it('recovers by itself: the unseen key works once the key-service is back', () =>
      expect(outcome().recoveredAfterMs).toBeDefined());
    it('finishes the renders queued before, and accepted after, the outage', () => {
      expect(explained(options, outcome().unsucceeded)).toEqual([]);
      expect(outcome().outputs).toEqual([]);
    });
  });
}

export function gatewaySigtermSuite(options: SuiteOptions<GatewayShutdownOutcome>): void {
  describe(options.title, () => {
    const outcome = setUp(options);

    it('exits 0', () => expect(outcome().exitCode).toBe(0));
    it('answers the requests it held with their render (202), not an error', () =>
      expect(outcome().held.filter((a) => a.status !== 202 || !a.renderId)).toEqual([]));
    it('answers no request with a 5xx; others only fail to connect, which a load balancer retries', () => {
      expect(serverErrors(outcome().load)).toEqual([]);
      expect(outcome().lostInFlight).toEqual([]);
    });
    it('completes every accepted render, charged once, and charges nothing else', () => {
      expect(explained(options, outcome().unsucceeded)).toEqual([]);
      expect(outcome().charges).toEqual([]);
      expect(outcome().outputs).toEqual([]);
    });
  });
}

export function keyExpirySuite(options: SuiteOptions<ExpiryOutcome>): void {
  describe(options.title, () => {
    const outcome = setUp(options);

    it('was used on both sides of its expiry second', () => {
      expect(outcome().attempts.some((a) => a.status === 200)).toBe(true);
      expect(outcome().attempts.some((a) => a.code === 'API_KEY_EXPIRED')).toBe(true);
    });
    it('accepts nothing sent at or after expires_at', () =>
      expect(outcome().acceptedAfterExpiry).toEqual([]));
    it('refuses nothing as expired before expires_at', () =>
      expect(outcome().expiredBeforeExpiry).toEqual([]));
    it('answers only 200 or 401 API_KEY_EXPIRED', () => expect(outcome().otherAnswers).toEqual([]));
  });
}
