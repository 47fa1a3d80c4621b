import type { DatabaseSync } from 'node:sqlite';
import type { LimiterSnapshot } from '../../app/limiter/snapshot.ts';
import type { LimiterStore } from '../engine/limiterGate.ts';

/**
 * The limiter's counts, cooldowns and parks, kept in one row so a restart never forgets what a
 * daily quota has spent. The gate validates what it loads (app/limiter/snapshot.ts restore), so
 * a damaged row costs only what it damaged.
 */
export function sqliteLimiterStore(db: DatabaseSync): LimiterStore {
  const read = db.prepare('SELECT snapshot FROM limiter_snapshot WHERE id = 1');
  const write = db.prepare(
    'INSERT INTO limiter_snapshot (id, saved_at, snapshot) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET saved_at = excluded.saved_at, snapshot = excluded.snapshot',
  );
  return {
    load: () => {
      const row = read.get() as { snapshot: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.snapshot) as LimiterSnapshot);
    },
    save: (snapshot) => {
      write.run(snapshot.savedAt, JSON.stringify(snapshot));
    },
  };
}
