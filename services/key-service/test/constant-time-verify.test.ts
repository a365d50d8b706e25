// Issue #9: a wrong secret and an unknown lookup id must be indistinguishable by timing. Tests never
// assert durations, so this proves it structurally: both paths run one query that reads one real key row
// (an unknown id reads a decoy), hash the presented secret, and call the (spied) constant-time comparator
// exactly once with two 32-byte buffers. infra/bench/auth-timing/run.mjs measures the real endpoint.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { generateApiKey, hashApiKeySecret, parseApiKey } from '@platen/contracts';
import type { KyselyPlugin } from 'kysely';
import { createKeyVerifier, type HashComparator, type KeyVerifier } from '../src/key-verifier.js';
import { DEFAULT_LIMITS, KEY_PREFIX, startHarness, uniqueEmail, type Harness } from './harness.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHA256_BYTES = 32;

let h: Harness;

beforeAll(async () => {
  h = await startHarness('ctverify');
});
afterAll(async () => {
  await h.close();
});

interface Spied {
  verifier: KeyVerifier;
  comparisons: { presented: Buffer; stored: Buffer }[];
  queries: () => number;
}

/** A verifier over the suite's real database whose comparator and queries are counted. */
function spiedVerifier(): Spied {
  const comparisons: Spied['comparisons'] = [];
  let queries = 0;
  const counting: KyselyPlugin = {
    transformQuery: ({ node }) => {
      queries += 1;
      return node;
    },
    transformResult: ({ result }) => Promise.resolve(result),
  };
  const compareHashes: HashComparator = (presented, stored) => {
    comparisons.push({ presented: Buffer.from(presented), stored: Buffer.from(stored) });
    return timingSafeEqual(presented, stored);
  };
  const verifier = createKeyVerifier({
    db: h.db.withPlugin(counting),
    clock: h.clock,
    keyPrefix: KEY_PREFIX,
    defaultLimits: DEFAULT_LIMITS,
    compareHashes,
  });
  return { verifier, comparisons, queries: () => queries };
}

/** A well-formed key (valid checksum) with the given lookup id, and the given or a fresh random secret. */
function keyWithLookupId(lookupId: string, secret?: string): { key: string; secret: string } {
  const chosen = [lookupId, secret];
  let call = 0;
  const random = (size: number): Buffer => {
    const wanted = chosen[call++];
    if (wanted === undefined) return randomBytes(size);
    const bytes = Buffer.alloc(size);
    [...wanted].forEach((char, i) => (bytes[i] = BASE62.indexOf(char)));
    return bytes;
  };
  const generated = generateApiKey(KEY_PREFIX, random);
  expect(generated.lookupId).toBe(lookupId);
  if (secret !== undefined) expect(generated.secret).toBe(secret);
  return { key: generated.key, secret: generated.secret };
}

/** The key an unknown lookup id reads instead: the one with the lowest id. */
async function decoyRow() {
  return h.db
    .selectFrom('keys.api_keys')
    .select(['id', 'lookup_id', 'secret_hash'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
}

async function issuedKey() {
  const account = await h.stores.accounts.create({ email: uniqueEmail('ct'), credits: 0 });
  const created = await h.stores.keys.create(account.id, { name: 'timing' });
  const parsed = parseApiKey(created.key, KEY_PREFIX);
  if (!parsed) throw new Error('issued key does not parse');
  return { ...created, ...parsed };
}

describe('verify does the same work for a wrong secret as for an unknown lookup id', () => {
  it('hashes the presented secret and calls the comparator exactly once with two 32-byte buffers on both paths', async () => {
    const issued = await issuedKey();
    const wrongSecret = keyWithLookupId(issued.lookupId);
    const unknownId = generateApiKey(KEY_PREFIX);
    const paths = [
      { key: wrongSecret.key, secret: wrongSecret.secret },
      { key: unknownId.key, secret: unknownId.secret },
    ];
    for (const { key, secret } of paths) {
      const spied = spiedVerifier();
      expect(await spied.verifier.verify(key)).toEqual({ valid: false });
      expect(spied.comparisons).toHaveLength(1);
      const [{ presented, stored }] = spied.comparisons as [Spied['comparisons'][number]];
      expect([presented.length, stored.length]).toEqual([SHA256_BYTES, SHA256_BYTES]);
      expect(presented.equals(hashApiKeySecret(secret))).toBe(true);
      expect(presented.equals(stored)).toBe(false);
    }
  });

  it('runs exactly one query on both paths and answers them identically', async () => {
    const issued = await issuedKey();
    const answers = [];
    for (const key of [keyWithLookupId(issued.lookupId).key, generateApiKey(KEY_PREFIX).key]) {
      const spied = spiedVerifier();
      answers.push(await spied.verifier.verify(key));
      expect(spied.queries()).toBe(1);
    }
    expect(answers).toEqual([{ valid: false }, { valid: false }]);
  });

  it('compares a wrong secret against the key’s stored hash, and an unknown id against a real decoy key’s hash', async () => {
    const issued = await issuedKey();
    const stored = await h.db
      .selectFrom('keys.api_keys')
      .select('secret_hash')
      .where('id', '=', issued.id)
      .executeTakeFirstOrThrow();
    const spied = spiedVerifier();
    await spied.verifier.verify(keyWithLookupId(issued.lookupId).key);
    await spied.verifier.verify(generateApiKey(KEY_PREFIX).key);
    const [wrong, unknownId] = spied.comparisons;
    expect(wrong?.stored.equals(stored.secret_hash)).toBe(true);
    expect(unknownId?.stored.equals((await decoyRow()).secret_hash)).toBe(true);
  });

  it('refuses an unknown lookup id presented with the decoy key’s own secret, although the hashes match', async () => {
    const issued = await issuedKey();
    // The lowest possible id makes this key the decoy, whatever earlier tests created.
    await h.db
      .updateTable('keys.api_keys')
      .set({ id: '00000000-0000-0000-0000-000000000000' })
      .where('id', '=', issued.id)
      .execute();
    const decoy = await decoyRow();
    expect(decoy.lookup_id).toBe(issued.lookupId);
    const impostor = keyWithLookupId(generateApiKey(KEY_PREFIX).lookupId, issued.secret);
    const spied = spiedVerifier();
    expect(await spied.verifier.verify(impostor.key)).toEqual({ valid: false });
    expect(spied.comparisons).toHaveLength(1);
    expect(spied.comparisons[0]?.presented.equals(decoy.secret_hash)).toBe(true);
  });

  it('control: the right key goes through the same single comparison and is valid', async () => {
    const issued = await issuedKey();
    const spied = spiedVerifier();
    expect(await spied.verifier.verify(issued.key)).toMatchObject({ valid: true, key_id: issued.id });
    expect(spied.comparisons).toHaveLength(1);
    expect(spied.comparisons[0]?.presented.equals(spied.comparisons[0].stored)).toBe(true);
    expect(spied.queries()).toBe(1);
  });

  it('treats a stored hash of the wrong size like an unknown id: one 32-byte comparison, then invalid', async () => {
    const issued = await issuedKey();
    await h.db
      .updateTable('keys.api_keys')
      .set({ secret_hash: hashApiKeySecret(issued.secret).subarray(0, 16) })
      .where('id', '=', issued.id)
      .execute();
    const spied = spiedVerifier();
    expect(await spied.verifier.verify(issued.key)).toEqual({ valid: false });
    expect(spied.comparisons.map((c) => [c.presented.length, c.stored.length])).toEqual([
      [SHA256_BYTES, SHA256_BYTES],
    ]);
  });

  it('refuses a key with a bad checksum before any query or comparison (the checksum is public, so this reveals nothing)', async () => {
    const issued = await issuedKey();
    const lastChar = issued.key.at(-1) === 'a' ? 'b' : 'a';
    const spied = spiedVerifier();
    expect(await spied.verifier.verify(issued.key.slice(0, -1) + lastChar)).toEqual({ valid: false });
    expect(spied.comparisons).toEqual([]);
    expect(spied.queries()).toBe(0);
  });

  it('compares an unknown id against a 32-byte dummy when there is no key at all to read as a decoy', async () => {
    const empty = await startHarness('ctempty');
    try {
      const comparisons: number[][] = [];
      const verifier = createKeyVerifier({
        db: empty.db,
        clock: empty.clock,
        keyPrefix: KEY_PREFIX,
        defaultLimits: DEFAULT_LIMITS,
        compareHashes: (presented, stored) => {
          comparisons.push([presented.length, stored.length]);
          return timingSafeEqual(presented, stored);
        },
      });
      expect(await verifier.verify(generateApiKey(KEY_PREFIX).key)).toEqual({ valid: false });
      expect(comparisons).toEqual([[SHA256_BYTES, SHA256_BYTES]]);
    } finally {
      await empty.close();
    }
  });

  it('uses crypto.timingSafeEqual when no comparator is injected: right key valid, wrong secret and unknown id not', async () => {
    const issued = await issuedKey();
    const verifier = createKeyVerifier({
      db: h.db,
      clock: h.clock,
      keyPrefix: KEY_PREFIX,
      defaultLimits: DEFAULT_LIMITS,
    });
    expect(await verifier.verify(issued.key)).toMatchObject({ valid: true });
    expect(await verifier.verify(keyWithLookupId(issued.lookupId).key)).toEqual({ valid: false });
    expect(await verifier.verify(generateApiKey(KEY_PREFIX).key)).toEqual({ valid: false });
  });
});
