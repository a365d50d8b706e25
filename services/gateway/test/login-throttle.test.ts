// The dashboard's login throttle against real Redis, with the clock moved by the test: attempts are
// reserved atomically (a parallel burst gets exactly the limit), a pair's delay doubles per failure,
// and an address that logged in to an email before still gets in while guessers elsewhere, or
// neighbours behind the same address, have used up the email's or the address's limit.
import { randomUUID } from 'node:crypto';
import { ApiError, type Clock } from '@platen/contracts';
import { createTestRedis } from '@platen/testing';
import { Redis } from 'ioredis';
import { createLoginThrottle } from '../src/dashboard/login-throttle.js';

const testRedis = createTestRedis('gw-login-throttle');
const redis = new Redis(testRedis.url);
let now = Date.parse('2030-05-01T10:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
const LIMITS = {
  perEmail: 5,
  perAddress: 8,
  signUpsPerAddress: 3,
  windowSeconds: 900,
  pairFreeAttempts: 3,
  pairBaseDelaySeconds: 2,
  pairMaxDelaySeconds: 16,
};
const throttle = createLoginThrottle({ redis, redisPrefix: testRedis.prefix, clock, limits: LIMITS });

afterAll(async () => {
  await testRedis.cleanup();
  redis.disconnect();
});

const email = () => `${randomUUID().slice(0, 8)}@example.com`;
const address = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;

/** undefined when reserved, else the refusal's retry_after in seconds. */
async function attempt(login: string, from: string): Promise<number | undefined> {
  try {
    await throttle.reserveLogin(login, from);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('RATE_LIMIT_EXCEEDED');
    return (error as ApiError).details?.retry_after as number;
  }
}

describe('the login throttle', () => {
  it('reserves exactly the per-email limit of 50 parallel attempts from 50 addresses', async () => {
    const victim = email();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(victim, `10.1.0.${i}`)));
    expect(results.filter((r) => r === undefined)).toHaveLength(LIMITS.perEmail);
    for (const retryAfter of results.filter((r) => r !== undefined)) {
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(LIMITS.windowSeconds);
    }
  });

  it('reserves exactly the per-address limit of 50 parallel attempts at 50 emails', async () => {
    const from = address();
    const results = await Promise.all(Array.from({ length: 50 }, () => attempt(email(), from)));
    expect(results.filter((r) => r === undefined)).toHaveLength(LIMITS.perAddress);
  });

  it('reserves exactly the pair’s free attempts of 50 parallel ones at one email from one address', async () => {
    const [victim, from] = [email(), address()];
    const results = await Promise.all(Array.from({ length: 50 }, () => attempt(victim, from)));
    expect(results.filter((r) => r === undefined)).toHaveLength(LIMITS.pairFreeAttempts);
  });

  it('makes one email+address pair wait longer after each failure past the free ones, up to the maximum', async () => {
    // Roomy email and address limits, so only the pair's delay can refuse.
    const patient = createLoginThrottle({
      redis,
      redisPrefix: testRedis.prefix,
      clock,
      limits: { ...LIMITS, perEmail: 100, perAddress: 100 },
    });
    const pairAttempt = (login: string, from: string) =>
      patient.reserveLogin(login, from).then(
        () => undefined,
        (error: ApiError) => error.details?.retry_after as number,
      );
    const victim = email();
    const from = address();
    for (let i = 0; i < LIMITS.pairFreeAttempts; i++) expect(await pairAttempt(victim, from)).toBeUndefined();
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      now += 500;
      const retryAfter = await pairAttempt(victim, from);
      expect(retryAfter).toBeDefined();
      waits.push(retryAfter!);
      now += retryAfter! * 1000;
      expect(await pairAttempt(victim, from)).toBeUndefined();
    }
    expect(waits).toEqual([2, 4, 8, 16, 16]);
  });

  it('lets the owner in from an address that logged in before while the email is locked elsewhere', async () => {
    const owner = email();
    const home = address();
    await throttle.reserveLogin(owner, home);
    await throttle.loginSucceeded(owner, home);

    for (let i = 0; i < LIMITS.perEmail; i++) expect(await attempt(owner, `10.3.0.${i}`)).toBeUndefined();
    expect(await attempt(owner, '10.3.1.1')).toBeGreaterThan(0);
    expect(await attempt(owner, home)).toBeUndefined();
  });

  it('lets a known pair in while neighbours behind the same address used up its limit', async () => {
    const shared = address();
    const owner = email();
    await throttle.reserveLogin(owner, shared);
    await throttle.loginSucceeded(owner, shared);
    for (let i = 0; i < LIMITS.perAddress; i++) expect(await attempt(email(), shared)).toBeUndefined();
    expect(await attempt(email(), shared)).toBeGreaterThan(0);
    expect(await attempt(owner, shared)).toBeUndefined();
  });

  it('still delays guesses from a known address: only the email and address limits are lifted', async () => {
    const owner = email();
    const home = address();
    await throttle.reserveLogin(owner, home);
    await throttle.loginSucceeded(owner, home);
    for (let i = 0; i < LIMITS.pairFreeAttempts; i++) expect(await attempt(owner, home)).toBeUndefined();
    expect(await attempt(owner, home)).toBe(LIMITS.pairBaseDelaySeconds);
  });

  it('gives a successful login’s attempt back: the owner’s own logins never lock the email', async () => {
    const owner = email();
    const from = address();
    for (let i = 0; i < LIMITS.perEmail * 3; i++) {
      await throttle.reserveLogin(owner, from);
      await throttle.loginSucceeded(owner, from);
    }
    expect(await attempt(owner, address())).toBeUndefined();
  });

  it('limits sign-ups per address exactly under a parallel burst', async () => {
    const from = address();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => throttle.countSignUp(from)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(LIMITS.signUpsPerAddress);
  });
});
