import { createHash } from 'node:crypto';
import { apiKeyHint, generateApiKey, hashApiKeySecret, parseApiKey } from './api-key-format.js';

const PREFIX = 'sm_';

describe('API key format', () => {
  it('issues keys of the prefix plus 64 base62 characters that parse back to their parts', () => {
    const generated = generateApiKey(PREFIX);
    expect(generated.key).toMatch(/^sm_[A-Za-z0-9]{64}$/);
    expect(parseApiKey(generated.key, PREFIX)).toEqual({
      lookupId: generated.lookupId,
      secret: generated.secret,
    });
  });

  it('refuses every one-character change of a real key without any I/O', () => {
    const { key } = generateApiKey(PREFIX);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    for (let i = PREFIX.length; i < key.length; i++) {
      for (const replacement of alphabet) {
        if (replacement === key[i]) continue;
        const mutated = key.slice(0, i) + replacement + key.slice(i + 1);
        expect(parseApiKey(mutated, PREFIX)).toBeNull();
      }
    }
  });

  it('refuses keys of the wrong length, characters or prefix', () => {
    const { key } = generateApiKey(PREFIX);
    expect(parseApiKey(key.slice(0, -1), PREFIX)).toBeNull();
    expect(parseApiKey(key + 'a', PREFIX)).toBeNull();
    expect(parseApiKey(key.replace(/^sm_/, 'pk_'), PREFIX)).toBeNull();
    expect(parseApiKey(key.slice(0, 10) + '-' + key.slice(11), PREFIX)).toBeNull();
    expect(parseApiKey('', PREFIX)).toBeNull();
  });

  it('binds the checksum to the prefix, so a key from another deployment prefix is refused', () => {
    const { key } = generateApiKey('pk_');
    expect(parseApiKey('sm_' + key.slice(3), PREFIX)).toBeNull();
  });

  it('carries at least 240 random bits in the secret', () => {
    const { secret } = generateApiKey(PREFIX);
    expect(secret.length * Math.log2(62)).toBeGreaterThanOrEqual(240);
  });

  it('never repeats a key across many issuances', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey(PREFIX).key));
    expect(keys.size).toBe(2000);
  });

  it('hints with the prefix and the first 8 characters only', () => {
    const { key } = generateApiKey(PREFIX);
    expect(apiKeyHint(key, PREFIX)).toBe(key.slice(0, 11));
  });

  it('hashes a secret to its SHA-256 (what is stored), different for any other secret', () => {
    const { secret } = generateApiKey(PREFIX);
    expect(hashApiKeySecret(secret).toString('hex')).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashApiKeySecret(secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a'))).not.toEqual(
      hashApiKeySecret(secret),
    );
  });
});
