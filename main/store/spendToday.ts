import type { DatabaseSync } from 'node:sqlite';
import { ATTEMPT, type AttemptRow } from './logRows.ts';
import { QUARTER_HOUR } from './rollups.ts';

/*
 * Paid spend per route and key, kept as running totals per quarter hour (table `spend`, written
 * by the log writer in the transaction of the attempts it counts), so the engine's start-up reads
 * today's spend from a few hundred rows, not from a day of attempts. Every time zone's midnight
 * falls on a quarter hour, so "since local midnight" is a whole number of buckets.
 */

/** The SQL of `spendSince`. */
export function spendSinceQuery(since: number): { sql: string; params: number[] } {
  return {
    sql: `SELECT route, key_id AS keyId, SUM(usd) AS usd FROM spend WHERE bucket >= ?
           GROUP BY route, key_id`,
    params: [since - (since % QUARTER_HOUR)],
  };
}

/** Cost per route and key since `since` (epoch ms, a quarter hour: local midnight). */
export function spendSince(
  db: DatabaseSync,
  since: number,
): Array<{ route: string; keyId: string; usd: number }> {
  const { sql, params } = spendSinceQuery(since);
  return db.prepare(sql).all(...params) as Array<{ route: string; keyId: string; usd: number }>;
}

type Sum = { bucket: number; route: string; keyId: string; usd: number };

/** Adds a batch's costs to the running totals; call inside the transaction that writes them. */
export class SpendWriter {
  readonly #add;
  #sums = new Map<string, Sum>();

  constructor(db: DatabaseSync) {
    this.#add = db.prepare(
      'INSERT INTO spend (bucket, route, key_id, usd) VALUES (?, ?, ?, ?) ON CONFLICT (bucket, route, key_id) DO UPDATE SET usd = usd + excluded.usd',
    );
  }

  /** Counts an attempt of a request on `route` (when both name a key and a cost) towards the next `write`. */
  add(route: string | null, attempt: AttemptRow): void {
    const costUsd = attempt[ATTEMPT.cost];
    const keyId = attempt[ATTEMPT.keyId];
    if (route === null || costUsd === null || keyId === null) return;
    const startedAt = attempt[ATTEMPT.startedAt];
    const bucket = startedAt - (startedAt % QUARTER_HOUR);
    const id = `${bucket}\u0000${route}\u0000${keyId}`;
    const sum = this.#sums.get(id);
    if (sum) sum.usd += costUsd;
    else this.#sums.set(id, { bucket, route, keyId, usd: costUsd });
  }

  /** Adds what was counted since the last `write` (or `discard`) to the totals. */
  write(): void {
    const sums = this.#sums;
    this.#sums = new Map();
    for (const { bucket, route, keyId, usd } of sums.values())
      this.#add.run(bucket, route, keyId, usd);
  }

  /** Forgets what was counted and not written (its transaction failed). */
  discard(): void {
    this.#sums = new Map();
  }
}
