import { parseUsageKey, usageDirtySet, usageKey, utcDay } from './usage.js';

const KEY_ID = '3f0c2a9e-8b1d-4c6e-9f7a-2b5d8e1c4a70';

describe('usage counter names', () => {
  it('names the UTC day, not the local one', () => {
    expect(utcDay(new Date('2025-03-10T23:59:59.999Z'))).toBe('2025-03-10');
    expect(utcDay(new Date('2025-03-11T00:00:00.000Z'))).toBe('2025-03-11');
  });

  it('puts usage hashes and the dirty set under the deployment prefix', () => {
    expect(usageKey('platen', KEY_ID, '2025-03-10')).toBe(`platen:usage:${KEY_ID}:2025-03-10`);
    expect(usageDirtySet('platen')).toBe('platen:usage-dirty');
  });

  it('reads the key id and day back from a usage hash name, and nothing from other names', () => {
    expect(parseUsageKey('platen', usageKey('platen', KEY_ID, '2025-03-10'))).toEqual({
      keyId: KEY_ID,
      day: '2025-03-10',
    });
    expect(parseUsageKey('other', usageKey('platen', KEY_ID, '2025-03-10'))).toBeNull();
    expect(parseUsageKey('platen', usageDirtySet('platen'))).toBeNull();
    expect(parseUsageKey('platen', `platen:usage:${KEY_ID}:yesterday`)).toBeNull();
  });
});
