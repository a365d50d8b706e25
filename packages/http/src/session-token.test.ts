import { createServiceTokenSigner } from './service-token.js';
import { createSessionTokens, SESSION_MAX_LIFETIME_SECONDS } from './session-token.js';

const SECRET = 'a-service-secret-of-at-least-32-characters!';
const identity = { userId: 'user-1', accountId: 'account-1', email: 'ada@example.com' };
const T0 = new Date('2030-01-01T00:00:00Z');
const tokens = createSessionTokens(SECRET, { ttlSeconds: 1800 });

describe('dashboard session tokens', () => {
  it('verify to the identity and session they were issued for, until they expire', async () => {
    const issued = await tokens.issue(
      identity,
      { sessionId: 'session-1', authenticatedAt: T0, sessionEpoch: 3 },
      T0,
    );
    expect(issued.expires_at).toBe('2030-01-01T00:30:00.000Z');
    expect(await tokens.verify(issued.token, new Date(T0.getTime() + 1_799_000))).toEqual({
      ...identity,
      sessionId: 'session-1',
      issuedAt: T0,
      expiresAt: new Date('2030-01-01T00:30:00Z'),
      authenticatedAt: T0,
      sessionEpoch: 3,
    });
    expect(await tokens.verify(issued.token, new Date(T0.getTime() + 1_800_000))).toBeUndefined();
  });

  it('are refused when tampered with, signed with another secret, or a service token', async () => {
    const { token } = await tokens.issue(
      identity,
      { sessionId: 's', authenticatedAt: T0, sessionEpoch: 0 },
      T0,
    );
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), acc: 'account-2' }),
    ).toString('base64url');
    expect(await tokens.verify(`${header!}.${forged}.${signature!}`, T0)).toBeUndefined();

    const other = createSessionTokens('another-service-secret-of-32-characters!!', { ttlSeconds: 1800 });
    expect(await other.verify(token, T0)).toBeUndefined();
    expect(await tokens.verify(await createServiceTokenSigner(SECRET, 'gateway')())).toBeUndefined();
    expect(await tokens.verify('not-a-jwt', T0)).toBeUndefined();
  });

  it('never outlive the password check by more than the maximum lifetime, however refreshed', async () => {
    const late = new Date(T0.getTime() + (SESSION_MAX_LIFETIME_SECONDS - 60) * 1000);
    const issued = await tokens.issue(
      identity,
      { sessionId: 's', authenticatedAt: T0, sessionEpoch: 0 },
      late,
    );
    expect(Date.parse(issued.expires_at)).toBe(T0.getTime() + SESSION_MAX_LIFETIME_SECONDS * 1000);
  });

  it('bind a CSRF token to the session id', () => {
    expect(tokens.csrfToken('session-1')).toBe(tokens.csrfToken('session-1'));
    expect(tokens.csrfToken('session-1')).not.toBe(tokens.csrfToken('session-2'));
    expect(
      createSessionTokens('another-service-secret-of-32-characters!!', { ttlSeconds: 1 }).csrfToken(
        'session-1',
      ),
    ).not.toBe(tokens.csrfToken('session-1'));
  });
});
