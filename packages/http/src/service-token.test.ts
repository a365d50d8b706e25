import { ApiError } from '@platen/contracts';
import type { Request, Response } from 'express';
import { SignJWT } from 'jose';
import { createServiceTokenSigner, requireServiceToken } from './service-token.js';

const SECRET = 'a-service-secret-of-at-least-32-characters!';
const OTHER_SECRET = 'another-service-secret-of-32-characters!!';

/** Runs the middleware on a request with this Authorization header; resolves to what it passed to next. */
function call(middleware: ReturnType<typeof requireServiceToken>, authorization?: string): Promise<unknown> {
  const req = { get: (name: string) => (name === 'authorization' ? authorization : undefined) };
  return new Promise((resolve) => {
    void middleware(req as unknown as Request, {} as Response, (error?: unknown) => resolve(error));
  });
}

const refusal = (outcome: unknown) => (outcome instanceof ApiError ? outcome.code : outcome);

describe('service tokens', () => {
  const t0 = Date.now();
  let now = t0;
  const clock = { now: () => new Date(now) };
  beforeEach(() => {
    now = t0;
  });

  it('lets through a token from the signer, again and again while it lives', async () => {
    const middleware = requireServiceToken(SECRET, { clock });
    const token = await createServiceTokenSigner(SECRET, 'gateway')();
    expect(await call(middleware, `Bearer ${token}`)).toBeUndefined();
    now = t0 + 30_000;
    expect(await call(middleware, `Bearer ${token}`)).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['garbage', 'Bearer not-a-jwt'],
  ])('answers 401 UNAUTHORIZED to %s', async (_what, header) => {
    expect(refusal(await call(requireServiceToken(SECRET, { clock }), header))).toBe('UNAUTHORIZED');
  });

  it('answers 401 to a token signed with another secret or for another audience', async () => {
    const middleware = requireServiceToken(SECRET, { clock });
    const foreign = await createServiceTokenSigner(OTHER_SECRET, 'gateway')();
    const otherAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('someone-else')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode(SECRET));
    expect(refusal(await call(middleware, `Bearer ${foreign}`))).toBe('UNAUTHORIZED');
    expect(refusal(await call(middleware, `Bearer ${otherAudience}`))).toBe('UNAUTHORIZED');
  });

  it('refuses a token it has already let through once the token has expired', async () => {
    const middleware = requireServiceToken(SECRET, { clock });
    const token = await createServiceTokenSigner(SECRET, 'gateway')();
    expect(await call(middleware, `Bearer ${token}`)).toBeUndefined();
    now = t0 + 61_000;
    expect(refusal(await call(middleware, `Bearer ${token}`))).toBe('UNAUTHORIZED');
    now = t0 + 1_000; // and it is not left behind as accepted either
    expect(await call(middleware, `Bearer ${token}`)).toBeUndefined();
  });

  it('refuses a token that differs from an accepted one only in its signature or claims', async () => {
    const middleware = requireServiceToken(SECRET, { clock });
    const token = await createServiceTokenSigner(SECRET, 'gateway')();
    expect(await call(middleware, `Bearer ${token}`)).toBeUndefined();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, iss: 'attacker' })).toString('base64url');
    expect(refusal(await call(middleware, `Bearer ${header}.${payload}.${flipped}`))).toBe('UNAUTHORIZED');
    expect(refusal(await call(middleware, `Bearer ${header}.${forged}.${signature}`))).toBe('UNAUTHORIZED');
  });

  it('still checks every token when more callers than it remembers take turns', async () => {
    const middleware = requireServiceToken(SECRET, { clock, cacheSize: 1 });
    const tokens = await Promise.all(
      ['gateway', 'render-worker', 'cli'].map((issuer) => createServiceTokenSigner(SECRET, issuer)()),
    );
    for (let round = 0; round < 2; round++) {
      for (const token of tokens) expect(await call(middleware, `Bearer ${token}`)).toBeUndefined();
    }
    expect(refusal(await call(middleware, `Bearer ${tokens[0]!}x`))).toBe('UNAUTHORIZED');
  });
});
