import type { DatabaseSync } from 'node:sqlite';

/** The SQL of `spendSince`: the attempts since then, through their time index (migration 6). */
export function spendSinceQuery(since: number): { sql: string; params: number[] } {
  return {
    sql: `SELECT r.route AS route, a.key_id AS keyId, SUM(a.cost) AS usd
            FROM attempts a JOIN requests r ON r.id = a.request
           WHERE a.started_at >= ? AND a.cost IS NOT NULL AND r.route IS NOT NULL AND a.key_id IS NOT NULL
           GROUP BY r.route, a.key_id`,
    params: [since],
  };
}

/** Cost per route and key since `since` (epoch ms), from the attempts table. */
export function spendSince(
  db: DatabaseSync,
  since: number,
): Array<{ route: string; keyId: string; usd: number }> {
  const { sql, params } = spendSinceQuery(since);
  return db.prepare(sql).all(...params) as Array<{ route: string; keyId: string; usd: number }>;
}
