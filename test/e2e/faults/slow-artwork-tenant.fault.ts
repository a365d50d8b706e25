// Long fault test (npm run test:faults): one account queues 100 renders whose artwork host answers
// after 25 s; another account's ordinary renders must still come back in under 5 s, and the first
// account's renders must still end succeeded or ASSET_TIMEOUT, refunded exactly once when failed.
// Figures go to FAULT_FIGURES (infra/bench/RESULTS.md quotes a run).
import { longRun } from './support/long-run.js';
import { slowArtworkTenant, type SlowArtworkOutcome } from './support/slow-artwork-scenario.js';
import { recordFigures } from './support/figures.js';

const run = longRun('slow-artwork');
const TITLE = 'One account with 100 renders on a 25 s artwork host, another account rendering';

let outcome: SlowArtworkOutcome | undefined;
beforeAll(async () => {
  outcome = await slowArtworkTenant(run.stack(), {
    renders: 100,
    hostDelayMs: 25_000,
    victims: 5,
    victimEveryMs: 20_000,
    timeoutMs: 900_000,
  });
  recordFigures(TITLE, outcome.figures);
}, 1_200_000);

const seen = () => {
  if (!outcome) throw new Error('the scenario did not run (see the beforeAll failure)');
  return outcome;
};

describe(TITLE, () => {
  it('accepts all 100 renders', () => expect(seen().refusedSubmissions).toEqual([]));
  it("answers each of the other account's renders succeeded in under 5 s", () => {
    expect(seen().victims.filter((v) => v.status !== 200 || v.renderStatus !== 'succeeded')).toEqual([]);
    expect(seen().victims.filter((v) => v.latencyMs >= 5_000)).toEqual([]);
  });
  it('ends every render of the slow host succeeded or ASSET_TIMEOUT', () =>
    expect(seen().unexpectedEnds).toEqual([]));
  it('charges each once and refunds each failed one exactly once', () => expect(seen().charges).toEqual([]));
});
