import type { DatabaseSync } from 'node:sqlite';
import type { JournalEntry } from '../../app/limiter/journal.ts';
import type { LimiterSnapshot } from '../../app/limiter/snapshot.ts';
import { inTransaction } from './transaction.ts';

/** What the database holds of the limiter: its last snapshot and what replays onto it. */
export interface SavedLimiter {
  snapshot: LimiterSnapshot | undefined;
  /** The last journal segment the snapshot folded in (0: none); later segments replay onto it. */
  folded: number;
  /**
   * Entries to replay before the journal's segments, oldest first, as stored: those the snapshot
   * carries for pools that were not seeded yet, then the rows a previous version journalled in
   * the `quota_journal` table (emptied by the next save).
   */
  entries: unknown[];
}

export interface LimiterSnapshots {
  load(): SavedLimiter;
  /** Saves the snapshot with what it folded and carries, and empties the old journal table. */
  save(snapshot: LimiterSnapshot, carried: readonly JournalEntry[], folded: number): void;
}

function parsed(text: string): unknown[] {
  try {
    return [JSON.parse(text) as unknown];
  } catch {
    return [];
  }
}

/**
 * The limiter's counts, cooldowns and parks, kept in one row so a restart never forgets what a
 * daily quota has spent. The row is saved at most once a second; what requests take in between
 * is journalled in files (quotaJournalFile.ts has the durability argument), and the row says
 * through which journal segment it counts, in the same transaction, so a start-up replays each
 * entry exactly once. The gate validates what it loads (app/limiter/snapshot.ts restore,
 * journal.ts parse), so a damaged row or entry costs only what it damaged.
 */
export function sqliteLimiterSnapshots(db: DatabaseSync): LimiterSnapshots {
  const read = db.prepare(
    'SELECT snapshot, folded_segment, carried FROM limiter_snapshot WHERE id = 1',
  );
  const write = db.prepare(
    `INSERT INTO limiter_snapshot (id, saved_at, snapshot, folded_segment, carried) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET saved_at = excluded.saved_at, snapshot = excluded.snapshot,
       folded_segment = excluded.folded_segment, carried = excluded.carried`,
  );
  const readLegacy = db.prepare('SELECT entry FROM quota_journal ORDER BY seq');
  const clearLegacy = db.prepare('DELETE FROM quota_journal');

  return {
    load: () => {
      const row = read.get() as
        { snapshot: string; folded_segment: number; carried: string } | undefined;
      const carried = row === undefined ? [] : parsed(row.carried).flat();
      const legacy = (readLegacy.all() as Array<{ entry: string }>).flatMap((r) => parsed(r.entry));
      return {
        snapshot: row === undefined ? undefined : (JSON.parse(row.snapshot) as LimiterSnapshot),
        folded: row?.folded_segment ?? 0,
        entries: [...carried, ...legacy],
      };
    },
    save: (snapshot, carried, folded) =>
      inTransaction(
        db,
        () => {
          write.run(snapshot.savedAt, JSON.stringify(snapshot), folded, JSON.stringify(carried));
          clearLegacy.run();
        },
        'IMMEDIATE',
      ),
  };
}
