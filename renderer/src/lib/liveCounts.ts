import { LIVE_WINDOW_MS } from '../../../app/admin/contract.ts';
import type { LiveMinute } from '../../../app/admin/types.ts';

/** Requests counted over a span (`t` its start): the engine's minutes, the dashboard's seconds. */
export type LiveCount = LiveMinute;

/** The span of the dashboard's own counts of finished requests. */
export const LIVE_BIN_MS = 1000;

/**
 * `counts` (oldest first) with `add` counted in and the spans that left the live window dropped:
 * a copy of at most one window of seconds, however many requests they hold.
 */
export function addLiveCount(
  counts: readonly LiveCount[],
  add: LiveCount,
  now: number,
): LiveCount[] {
  let first = 0;
  while (first < counts.length && (counts[first]?.t ?? now) < now - LIVE_WINDOW_MS) first++;
  const kept = counts.slice(first);
  const last = kept.at(-1);
  // A clock set back lands in the last span rather than out of order: no request goes uncounted.
  if (last === undefined || last.t < add.t) kept.push(add);
  else
    kept[kept.length - 1] = {
      t: last.t,
      requests: last.requests + add.requests,
      errors: last.errors + add.errors,
      failovers: last.failovers + add.failovers,
    };
  return kept;
}

/**
 * The live figures at the top of the Overview, from the last minute and the last 15 minutes: the
 * engine's per-minute counts at the seed, plus the dashboard's per-second counts since. A span
 * counts when it starts within the period.
 */
export function liveStats(seeded: readonly LiveCount[], recent: readonly LiveCount[], now: number) {
  const stats = { lastMinute: 0, total: 0, errors: 0, failovers: 0 };
  for (const counts of [seeded, recent])
    for (const c of counts) {
      if (c.t < now - LIVE_WINDOW_MS) continue;
      stats.total += c.requests;
      stats.errors += c.errors;
      stats.failovers += c.failovers;
      if (c.t >= now - 60_000) stats.lastMinute += c.requests;
    }
  return stats;
}
