// Per-key daily usage of an account (requests, renders, credits), as the usage flusher wrote it to
// keys.key_usage: what the dashboard charts. Days are UTC; only days with activity have rows.
import type { UsageReport, Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import { sql, type Kysely } from 'kysely';
import { isResourceId } from './resource-id.js';

export const MAX_USAGE_DAYS = 90;

export interface UsageReader {
  /** The last `days` UTC days, today included, in the dashboard API's shape (the gateway passes it on). */
  daily(accountId: string, days: number): Promise<UsageReport>;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export function createUsageReader({ db, clock }: { db: Kysely<Database>; clock: Clock }): UsageReader {
  return {
    async daily(accountId, days) {
      const today = clock.now();
      const from = new Date(
        Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (days - 1)),
      );
      const report = { from: isoDay(from), to: isoDay(today) };
      if (!isResourceId(accountId)) return { ...report, rows: [] };
      const rows = await db
        .selectFrom('keys.key_usage as u')
        .innerJoin('keys.api_keys as k', 'k.id', 'u.key_id')
        .select([
          sql<string>`to_char(u.day, 'YYYY-MM-DD')`.as('date'),
          'u.key_id',
          'k.name as key_name',
          'u.requests',
          'u.renders',
          'u.credits',
        ])
        .where('k.account_id', '=', accountId)
        .where('u.day', '>=', report.from)
        .orderBy('u.day')
        .orderBy('k.name')
        .execute();
      return {
        ...report,
        rows: rows.map((row) => ({
          date: row.date,
          key_id: row.key_id,
          key_name: row.key_name,
          requests: Number(row.requests),
          renders: Number(row.renders),
          credits: Number(row.credits),
        })),
      };
    },
  };
}
