import { randomUUID } from 'node:crypto';
import { ApiError } from '@platen/contracts';
import { sql } from 'kysely';
import { createCreditLedger } from '../src/credit-ledger.js';
import { startHarness, uniqueEmail, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('credits');
});
afterAll(async () => {
  await h.close();
});

async function newAccount(credits: number) {
  return h.stores.accounts.create({ email: uniqueEmail('credits'), credits });
}

async function ledgerRows(accountId: string) {
  return h.db
    .selectFrom('keys.credit_ledger')
    .select(['kind', 'amount', 'render_id'])
    .where('account_id', '=', accountId)
    .execute();
}

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof ApiError ? error.code : String(error)),
  );
}

async function ledgerSum(accountId: string): Promise<number> {
  return (await ledgerRows(accountId)).reduce((total, row) => total + row.amount, 0);
}

async function outcome(promise: Promise<{ applied: boolean }>): Promise<string> {
  return promise.then(
    (result) => (result.applied ? 'applied' : 'not applied'),
    (error: unknown) => (error instanceof ApiError ? error.code : 'crash'),
  );
}

describe('credits', () => {
  it('lets exactly 10 of 50 concurrent one-credit charges through a balance of 10, and ends at 0', async () => {
    const account = await newAccount(10);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.stores.credits.charge(account.id, { render_id: randomUUID(), amount: 1 }).then(
          (result) => (result.applied ? 'applied' : 'not applied'),
          (error: unknown) => (error instanceof ApiError ? error.code : 'crash'),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'INSUFFICIENT_CREDITS')).toHaveLength(40);
    expect(await h.stores.credits.balance(account.id)).toBe(0);
    const charges = (await ledgerRows(account.id)).filter((row) => row.kind === 'charge');
    expect(charges).toHaveLength(10);
  });

  it('charges a render once: a repeated charge for the same render id changes nothing', async () => {
    const account = await newAccount(5);
    const render_id = randomUUID();
    expect(await h.stores.credits.charge(account.id, { render_id, amount: 2 })).toEqual({
      applied: true,
      balance: 3,
    });
    expect(await h.stores.credits.charge(account.id, { render_id, amount: 2 })).toEqual({
      applied: false,
      balance: 3,
    });
    expect(await h.stores.credits.charge(account.id, { render_id, amount: 1 })).toEqual({
      applied: false,
      balance: 3,
    });
    expect(await ledgerRows(account.id)).toHaveLength(2); // the initial grant and one charge
  });

  it('charges a render once even when the same charge arrives concurrently', async () => {
    const account = await newAccount(5);
    const render_id = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.stores.credits.charge(account.id, { render_id, amount: 1 })),
    );
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await h.stores.credits.balance(account.id)).toBe(4);
  });

  it('refunds a charged render once, giving back what was charged; a repeated refund changes nothing', async () => {
    const account = await newAccount(5);
    const render_id = randomUUID();
    await h.stores.credits.charge(account.id, { render_id, amount: 3 });
    expect(await h.stores.credits.refund(account.id, { render_id })).toEqual({ applied: true, balance: 5 });
    expect(await h.stores.credits.refund(account.id, { render_id })).toEqual({ applied: false, balance: 5 });
    const refunds = (await ledgerRows(account.id)).filter((row) => row.kind === 'refund');
    expect(refunds).toEqual([{ kind: 'refund', amount: 3, render_id }]);
  });

  it('answers 404 NOT_FOUND for a refund of a render that was never charged, or charged to another account', async () => {
    const account = await newAccount(5);
    const other = await newAccount(5);
    expect(await errorCode(h.stores.credits.refund(account.id, { render_id: randomUUID() }))).toBe(
      'NOT_FOUND',
    );
    const render_id = randomUUID();
    await h.stores.credits.charge(other.id, { render_id, amount: 1 });
    expect(await errorCode(h.stores.credits.refund(account.id, { render_id }))).toBe('NOT_FOUND');
    expect(await h.stores.credits.balance(account.id)).toBe(5);
    expect(await h.stores.credits.refund(other.id, { render_id })).toEqual({ applied: true, balance: 5 });
  });

  it('answers 402 INSUFFICIENT_CREDITS for a charge above the balance and records nothing', async () => {
    const account = await newAccount(2);
    expect(await errorCode(h.stores.credits.charge(account.id, { render_id: randomUUID(), amount: 3 }))).toBe(
      'INSUFFICIENT_CREDITS',
    );
    expect(await h.stores.credits.balance(account.id)).toBe(2);
    expect((await ledgerRows(account.id)).map((row) => row.kind)).toEqual(['grant']);
  });

  it('refuses to charge a render already charged to another account with 409 CONFLICT', async () => {
    const first = await newAccount(5);
    const second = await newAccount(5);
    const render_id = randomUUID();
    await h.stores.credits.charge(first.id, { render_id, amount: 1 });
    expect(await errorCode(h.stores.credits.charge(second.id, { render_id, amount: 1 }))).toBe('CONFLICT');
    expect(await h.stores.credits.balance(second.id)).toBe(5);
  });

  it('answers NOT_FOUND for the credits of an unknown or malformed account id', async () => {
    for (const id of [randomUUID(), 'nope']) {
      expect(await errorCode(h.stores.credits.balance(id))).toBe('NOT_FOUND');
      expect(await errorCode(h.stores.credits.charge(id, { render_id: randomUUID(), amount: 1 }))).toBe(
        'NOT_FOUND',
      );
      expect(await errorCode(h.stores.credits.grant(id, { amount: 1 }))).toBe('NOT_FOUND');
    }
  });

  it('adds granted credits and lists the ledger newest first, page by page, summing to the balance', async () => {
    const account = await newAccount(3);
    h.clock.advance(1_000);
    await h.stores.credits.grant(account.id, { amount: 10, note: 'top-up' });
    h.clock.advance(1_000);
    const render_id = randomUUID();
    await h.stores.credits.charge(account.id, { render_id, amount: 4 });
    expect(await h.stores.credits.balance(account.id)).toBe(9);

    const first = await h.stores.credits.entries(account.id, { limit: 2 });
    expect(first.items.map((e) => [e.kind, e.amount])).toEqual([
      ['charge', -4],
      ['grant', 10],
    ]);
    const second = await h.stores.credits.entries(account.id, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => [e.kind, e.amount, e.note])).toEqual([['grant', 3, 'initial credits']]);
    expect(second.nextCursor).toBeNull();
    const sum = [...first.items, ...second.items].reduce((total, e) => total + e.amount, 0);
    expect(sum).toBe(9);
  });

  it('decides concurrent charges of one account in arrival order: a later smaller charge may fit where a larger did not', async () => {
    const account = await newAccount(5);
    const results = await Promise.all(
      [3, 3, 2].map((amount) =>
        outcome(h.stores.credits.charge(account.id, { render_id: randomUUID(), amount })),
      ),
    );
    expect(results).toEqual(['applied', 'INSUFFICIENT_CREDITS', 'applied']);
    expect(await h.stores.credits.balance(account.id)).toBe(0);
    expect(await ledgerSum(account.id)).toBe(0);
  });

  it('stays exact with two replicas charging one account at once: 300 charges, 120 credits, ledger sums to the balance', async () => {
    const account = await newAccount(120);
    const replicas = [h.stores.credits, createCreditLedger({ db: h.db, clock: h.clock })];
    const repeated = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        outcome(
          replicas[i % 2]!.charge(account.id, {
            render_id: i % 10 === 0 ? repeated : randomUUID(),
            amount: 1,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r === 'applied')).toHaveLength(120);
    expect(results.filter((r) => r === 'not applied')).toHaveLength(29); // the repeats of `repeated`
    expect(results.filter((r) => r === 'INSUFFICIENT_CREDITS')).toHaveLength(151);
    expect(await h.stores.credits.balance(account.id)).toBe(0);
    expect(await ledgerSum(account.id)).toBe(0);
  });

  it('decides a batch again when another account charges one of its renders meanwhile: that one is 409, the rest apply', async () => {
    const account = await newAccount(10);
    const other = await newAccount(10);
    const contested = randomUUID();
    const free = randomUUID();
    let commitOther!: () => void;
    const otherMayCommit = new Promise<void>((resolve) => (commitOther = resolve));
    let otherInserted!: () => void;
    const otherHasInserted = new Promise<void>((resolve) => (otherInserted = resolve));
    // Another account's charge of the same render, inserted but not yet committed: the batch's insert waits on it.
    const otherCharge = h.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('keys.credit_ledger')
        .values({
          account_id: other.id,
          kind: 'charge',
          amount: -1,
          render_id: contested,
          created_at: new Date(),
        })
        .execute();
      otherInserted();
      await otherMayCommit;
    });
    await otherHasInserted;
    const results = Promise.all([
      outcome(h.stores.credits.charge(account.id, { render_id: contested, amount: 1 })),
      outcome(h.stores.credits.charge(account.id, { render_id: free, amount: 1 })),
    ]);
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(h.db);
      if (rows[0]!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    commitOther();
    await otherCharge;
    expect(await results).toEqual(['CONFLICT', 'applied']);
    expect(await h.stores.credits.balance(account.id)).toBe(9);
    expect(await ledgerSum(account.id)).toBe(9);
  });

  it('refuses a charge that arrives after its render was called off (refunded before any charge), and changes nothing', async () => {
    const account = await newAccount(5);
    const render_id = randomUUID();
    expect(await errorCode(h.stores.credits.refund(account.id, { render_id }))).toBe('NOT_FOUND');
    expect(await errorCode(h.stores.credits.charge(account.id, { render_id, amount: 1 }))).toBe('CONFLICT');
    expect(await h.stores.credits.balance(account.id)).toBe(5);
    expect(await ledgerSum(account.id)).toBe(5);
    expect(await errorCode(h.stores.credits.refund(account.id, { render_id }))).toBe('NOT_FOUND');
  });
});

describe('charging a batch at once (chargeMany)', () => {
  const charges = (amounts: number[]) => amounts.map((amount) => ({ render_id: randomUUID(), amount }));

  it('applies every charge of a batch that fits, each as its own ledger charge', async () => {
    const account = await newAccount(10);
    const batch = charges([2, 3, 1]);

    expect(await h.stores.credits.chargeMany(account.id, batch)).toEqual({ applied: 3, balance: 4 });

    const rows = (await ledgerRows(account.id)).filter((row) => row.kind === 'charge');
    expect(rows.map((row) => [row.render_id, row.amount]).sort()).toEqual(
      batch.map((charge) => [charge.render_id, -charge.amount]).sort(),
    );
  });

  it('refuses a batch that does not fit with 402 and applies none of it', async () => {
    const account = await newAccount(5);

    expect(await errorCode(h.stores.credits.chargeMany(account.id, charges([2, 2, 2])))).toBe(
      'INSUFFICIENT_CREDITS',
    );
    expect(await h.stores.credits.balance(account.id)).toBe(5);
    expect((await ledgerRows(account.id)).filter((row) => row.kind === 'charge')).toEqual([]);
  });

  it('applies nothing when the same batch is sent again, and answers without an error', async () => {
    const account = await newAccount(10);
    const batch = charges([2, 2]);
    await h.stores.credits.chargeMany(account.id, batch);

    expect(await h.stores.credits.chargeMany(account.id, batch)).toEqual({ applied: 0, balance: 6 });
    expect(await ledgerSum(account.id)).toBe(6);
  });

  it('lets exactly one of two batches racing for a balance that fits one through, never below zero', async () => {
    const account = await newAccount(6);
    const outcomes = await Promise.all(
      [charges([3, 3]), charges([2, 2, 2])].map((batch) =>
        h.stores.credits.chargeMany(account.id, batch).then(
          (result) => `applied ${result.applied}`,
          (error: unknown) => (error instanceof ApiError ? error.code : 'crash'),
        ),
      ),
    );

    expect(outcomes.filter((o) => o.startsWith('applied'))).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'INSUFFICIENT_CREDITS')).toHaveLength(1);
    expect(await h.stores.credits.balance(account.id)).toBe(0);
    expect(await ledgerSum(account.id)).toBe(0);
  });

  it('refunds each render of a batch on its own, once', async () => {
    const account = await newAccount(10);
    const batch = charges([2, 3]);
    await h.stores.credits.chargeMany(account.id, batch);

    expect(await h.stores.credits.refund(account.id, { render_id: batch[1]!.render_id })).toEqual({
      applied: true,
      balance: 8,
    });
    expect(await h.stores.credits.refund(account.id, { render_id: batch[1]!.render_id })).toEqual({
      applied: false,
      balance: 8,
    });
  });

  it('refuses a batch with a render charged to another account, changing nothing', async () => {
    const [owner, other] = [await newAccount(5), await newAccount(5)];
    const batch = charges([1, 1]);
    await h.stores.credits.charge(other.id, batch[0]!);

    expect(await errorCode(h.stores.credits.chargeMany(owner.id, batch))).toBe('CONFLICT');
    expect(await h.stores.credits.balance(owner.id)).toBe(5);
  });
});
