import { rateLimitHeaders, type RateLimitDecision } from './rate-limit.js';

function decision(overrides: Partial<RateLimitDecision>): RateLimitDecision {
  return {
    allowed: true,
    exceeded: null,
    minute: { limit: 100, remaining: 99, resetSeconds: 60 },
    day: { limit: 10_000, remaining: 9_999, resetSeconds: 40_000 },
    catalogueVersion: null,
    ...overrides,
  };
}

describe('rate-limit headers', () => {
  it('announce both windows in RateLimit-Policy', () => {
    expect(rateLimitHeaders(decision({}))['RateLimit-Policy']).toBe('100;w=60, 10000;w=86400');
  });

  it('report the minute window while it has fewer requests left', () => {
    expect(rateLimitHeaders(decision({}))).toMatchObject({
      RateLimit: 'limit=100, remaining=99, reset=60',
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '99',
      'X-RateLimit-Reset': '60',
    });
  });

  it('report the day window once it has fewer requests left than the minute', () => {
    const headers = rateLimitHeaders(decision({ day: { limit: 10_000, remaining: 3, resetSeconds: 500 } }));
    expect(headers.RateLimit).toBe('limit=10000, remaining=3, reset=500');
    expect(headers['X-RateLimit-Reset']).toBe('500');
  });

  it('report the full window when refused', () => {
    const headers = rateLimitHeaders(
      decision({
        allowed: false,
        exceeded: 'minute',
        minute: { limit: 100, remaining: 0, resetSeconds: 23 },
      }),
    );
    expect(headers.RateLimit).toBe('limit=100, remaining=0, reset=23');
    expect(headers['X-RateLimit-Remaining']).toBe('0');
  });

  it('report the account ceiling once it is nearer than the key’s windows', () => {
    const headers = rateLimitHeaders(decision({ account: { limit: 300, remaining: 12, resetSeconds: 41 } }));
    expect(headers.RateLimit).toBe('limit=300, remaining=12, reset=41');
    expect(headers['X-RateLimit-Limit']).toBe('300');
    expect(headers['RateLimit-Policy']).toBe('100;w=60, 10000;w=86400');
  });

  it('keep the key’s minute window while the account ceiling has more room', () => {
    const headers = rateLimitHeaders(decision({ account: { limit: 300, remaining: 250, resetSeconds: 41 } }));
    expect(headers.RateLimit).toBe('limit=100, remaining=99, reset=60');
  });

  it('report the account ceiling when it refused', () => {
    const headers = rateLimitHeaders(
      decision({
        allowed: false,
        exceeded: 'account',
        account: { limit: 300, remaining: 0, resetSeconds: 9 },
      }),
    );
    expect(headers.RateLimit).toBe('limit=300, remaining=0, reset=9');
  });
});
