// Moves per-key usage counters from Redis (written by every gateway in its rate-limit call) into
// keys.key_usage and the api_keys totals, in batches: Postgres never sees a write per request.
// Counters are cumulative per key and UTC day, so writing them as they are is idempotent: a flush
// that dies half-way is repeated, never double-counted.
import { parseUsageKey, usageDirtySet, USAGE_FIELDS } from '@platen/queue';
import type { Database } from '@platen/db';
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface UsageFlusherDeps {
  db: Kysely<Database>;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  /** Usage hashes taken per round trip. */
  batchSize?: number;
}

export interface UsageFlusher {
  /** Flushes everything marked dirty; returns how many usage hashes were written. */
  flushOnce(): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

interface UsageRow {
  keyId: string;
  day: string;
  requests: number;
  renders: number;
  credits: number;
  lastUsedAt: string | null;
}

function toRow(prefix: string, name: string, hash: Record<string, string>): UsageRow | null {
  const parsed = parseUsageKey(prefix, name);
  if (!parsed || Object.keys(hash).length === 0) return null;
  const count = (field: string) => {
    const value = Number.parseInt(hash[field] ?? '0', 10);
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  };
  const lastUsed = hash[USAGE_FIELDS.lastUsedAt];
  return {
    ...parsed,
    requests: count(USAGE_FIELDS.requests),
    renders: count(USAGE_FIELDS.renders),
    credits: count(USAGE_FIELDS.credits),
    lastUsedAt: lastUsed && !Number.isNaN(Date.parse(lastUsed)) ? lastUsed : null,
  };
}

async function writeRows(db: Kysely<Database>, rows: UsageRow[]): Promise<void> {
  const column = <K extends keyof UsageRow>(key: K) => rows.map((row) => row[key]);
  await db.transaction().execute(async (trx) => {
    // greatest(): a slower flush holding older cumulative values can never lower a newer one.
    // The join drops usage of keys that no longer exist instead of failing the batch.
    await sql`
      insert into keys.key_usage (key_id, day, requests, renders, credits)
      select u.key_id, u.day, u.requests, u.renders, u.credits
      from unnest(${column('keyId')}::uuid[], ${column('day')}::date[], ${column('requests')}::bigint[],
                  ${column('renders')}::bigint[], ${column('credits')}::bigint[])
           as u(key_id, day, requests, renders, credits)
      join keys.api_keys k on k.id = u.key_id
      on conflict (key_id, day) do update set
        requests = greatest(keys.key_usage.requests, excluded.requests),
        renders = greatest(keys.key_usage.renders, excluded.renders),
        credits = greatest(keys.key_usage.credits, excluded.credits)`.execute(trx);
    await sql`
      update keys.api_keys k set
        requests_total = totals.requests,
        credits_used = totals.credits,
        last_used_at = greatest(k.last_used_at, latest.last_used_at)
      from (
        select key_id, sum(requests) as requests, sum(credits) as credits
        from keys.key_usage where key_id = any(${column('keyId')}::uuid[]) group by key_id
      ) totals
      left join (
        select key_id, max(last_used_at) as last_used_at
        from unnest(${column('keyId')}::uuid[], ${column('lastUsedAt')}::timestamptz[]) as l(key_id, last_used_at)
        group by key_id
      ) latest on latest.key_id = totals.key_id
      where k.id = totals.key_id`.execute(trx);
  });
}

export function createUsageFlusher({
  db,
  redis,
  redisPrefix,
  logger,
  batchSize = 500,
}: UsageFlusherDeps): UsageFlusher {
  const dirtySet = usageDirtySet(redisPrefix);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function flushBatch(): Promise<number> {
    const names = await redis.spop(dirtySet, batchSize);
    if (names.length === 0) return 0;
    try {
      const pipeline = redis.pipeline();
      for (const name of names) pipeline.hgetall(name);
      const results = (await pipeline.exec()) ?? [];
      const rows = names
        .map((name, index) => {
          const [error, hash] = results[index] ?? [null, {}];
          if (error) throw error;
          return toRow(redisPrefix, name, hash as Record<string, string>);
        })
        .filter((row): row is UsageRow => row !== null);
      if (rows.length > 0) await writeRows(db, rows);
      return names.length;
    } catch (error) {
      // Put them back: the counters are still in Redis and the next flush writes them.
      await redis.sadd(dirtySet, ...names).catch(() => undefined);
      throw error;
    }
  }

  async function flushOnce(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 1000; round++) {
      const flushed = await flushBatch();
      total += flushed;
      if (flushed < batchSize) break;
    }
    return total;
  }

  return {
    flushOnce,
    start(intervalMs) {
      timer = setInterval(() => {
        running = flushOnce().catch((error: unknown) =>
          logger.warn({ err: error }, 'usage flush failed; will retry'),
        );
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await flushOnce().catch((error: unknown) => logger.warn({ err: error }, 'final usage flush failed'));
    },
  };
}
