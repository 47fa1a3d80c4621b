import type { DatabaseSync } from 'node:sqlite';
import { LIVE_WINDOW_MS } from '../../app/admin/liveWindow.ts';
import type { LiveMinute, LiveTraffic } from '../../app/admin/types.ts';
import { MINUTE } from './rollups.ts';

/**
 * The requests of the last 15 minutes, counted per minute of their start. One aggregate over the
 * `started_at` index, bounded to the window, so it is exact and cheap however large the log is
 * (the rollups count attempts, not requests, and know nothing of failovers).
 */
export function queryLiveTraffic(db: DatabaseSync, now: number): LiveTraffic {
  const from = now - LIVE_WINDOW_MS;
  const minutes = db
    .prepare(
      `SELECT started_at - started_at % ${MINUTE} AS t,
              count(*) AS requests,
              coalesce(sum(status >= 400), 0) AS errors,
              coalesce(sum(attempts > 1), 0) AS failovers
         FROM requests INDEXED BY requests_by_time
        WHERE started_at >= ? AND started_at <= ?
        GROUP BY t ORDER BY t`,
    )
    .all(from, now) as LiveMinute[];
  return { from, to: now, minutes };
}
