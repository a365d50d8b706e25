import { effectiveRevokedAt, keyStatus } from './key-status.js';

const at = (iso: string) => new Date(iso);

describe('key status', () => {
  it('is active until expires_at and expired from that very millisecond', () => {
    const lifetime = { expiresAt: at('2030-01-01T12:00:00Z'), revokedAt: null };
    expect(keyStatus(lifetime, at('2030-01-01T11:59:59.999Z'))).toBe('active');
    expect(keyStatus(lifetime, at('2030-01-01T12:00:00Z'))).toBe('expired');
  });

  it('says revoked rather than expired once both times have passed', () => {
    const lifetime = { expiresAt: at('2030-01-01T12:00:00Z'), revokedAt: at('2030-01-02T00:00:00Z') };
    expect(keyStatus(lifetime, at('2030-01-03T00:00:00Z'))).toBe('revoked');
  });

  it('keeps a key with a scheduled revocation active until that time', () => {
    const lifetime = { expiresAt: null, revokedAt: at('2030-01-01T12:00:00Z') };
    expect(keyStatus(lifetime, at('2030-01-01T11:59:59Z'))).toBe('active');
    expect(keyStatus(lifetime, at('2030-01-01T12:00:00Z'))).toBe('revoked');
  });

  it("revokes at the earlier of the key's own revocation and its account's disabling", () => {
    const early = at('2030-01-01T00:00:00Z');
    const late = at('2030-06-01T00:00:00Z');
    expect(effectiveRevokedAt(late, early)).toBe(early);
    expect(effectiveRevokedAt(early, late)).toBe(early);
    expect(effectiveRevokedAt(null, late)).toBe(late);
    expect(effectiveRevokedAt(early, null)).toBe(early);
    expect(effectiveRevokedAt(null, null)).toBeNull();
  });
});
