import type { DatabaseSync } from 'node:sqlite';
import type { JournalEntry } from '../../app/limiter/journal.ts';
import type { LimiterSnapshot } from '../../app/limiter/snapshot.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import { inTransaction } from './transaction.ts';

/**
 * The limiter's counts, cooldowns and parks, kept in one row so a restart never forgets what a
 * daily quota has spent, and the journal of what requests took since that row was saved. The
 * gate validates what it loads (app/limiter/snapshot.ts restore, journal.ts parse), so a
 * damaged row costs only what it damaged.
 *
 * Durability: the snapshot is saved at most once a second, which alone would lose the last
 * second of counts to a crash. Every take is therefore appended to the journal, and the gate
 * waits for `committed()` before the request goes upstream. Appends made in the same turn of
 * the event loop share one transaction (queued on a microtask), so a burst of admissions costs
 * one commit, and an idle engine commits nothing. A commit in WAL mode with synchronous=NORMAL
 * is a write to the WAL file without fsync: it survives the process being killed (kill -9, a
 * crash), not the machine losing power, which is the bound we want for a quota counter. Each
 * snapshot save replaces the journal in the same transaction, so it holds at most about a second
 * of entries. The interface is asynchronous where it waits, so the store can move to a worker
 * thread without changing the gate.
 */
export function sqliteLimiterStore(db: DatabaseSync): LimiterStore {
  const read = db.prepare('SELECT snapshot FROM limiter_snapshot WHERE id = 1');
  const write = db.prepare(
    'INSERT INTO limiter_snapshot (id, saved_at, snapshot) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET saved_at = excluded.saved_at, snapshot = excluded.snapshot',
  );
  const readJournal = db.prepare('SELECT entry FROM quota_journal ORDER BY seq');
  const append = db.prepare('INSERT INTO quota_journal (entry) VALUES (?)');
  const clearJournal = db.prepare('DELETE FROM quota_journal');

  let pending: string[] = [];
  let batch: { done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;

  const transaction = (work: () => void): void => inTransaction(db, work, 'IMMEDIATE');

  function flush(): void {
    const current = batch;
    const rows = pending;
    batch = undefined;
    pending = [];
    if (current === undefined) return;
    try {
      transaction(() => {
        for (const row of rows) append.run(row);
      });
      current.resolve();
    } catch (err) {
      current.reject(err);
    }
  }

  return {
    load: () => {
      const row = read.get() as { snapshot: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.snapshot) as LimiterSnapshot);
    },
    loadJournal: () =>
      (readJournal.all() as Array<{ entry: string }>).flatMap((row) => {
        try {
          return [JSON.parse(row.entry) as unknown];
        } catch {
          return [];
        }
      }),
    save: (snapshot, carried = []) => {
      // Whatever is queued is in the snapshot already: it need not be written on its own.
      const covered = batch;
      batch = undefined;
      pending = [];
      try {
        transaction(() => {
          write.run(snapshot.savedAt, JSON.stringify(snapshot));
          clearJournal.run();
          for (const entry of carried) append.run(JSON.stringify(entry));
        });
        covered?.resolve();
      } catch (err) {
        covered?.reject(err);
        throw err;
      }
    },
    append: (entry: JournalEntry) => {
      pending.push(JSON.stringify(entry));
      if (batch !== undefined) return;
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A rejection nobody awaits (a settlement's) is reported by the gate through committed().
      done.catch(() => undefined);
      batch = { done, resolve, reject };
      queueMicrotask(flush);
    },
    committed: () => batch?.done ?? Promise.resolve(),
  };
}
