import { closeSync } from 'node:fs';
import type { JournalEntry } from '../../app/limiter/journal.ts';
import type { LimiterSnapshot } from '../../app/limiter/snapshot.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import type { SavedLimiter } from './limiterSnapshot.ts';
import {
  listSegments,
  openSegment,
  readSegment,
  removeSegment,
  writeAll,
} from './quotaJournalSegments.ts';

/** Where the snapshot row is read at start and committed (limiterSnapshot.ts). */
export interface SnapshotRow {
  load(): SavedLimiter;
  save(
    snapshot: LimiterSnapshot,
    carried: readonly JournalEntry[],
    folded: number,
  ): Promise<void> | void;
}

export type JournalFileStore = LimiterStore & {
  /** Closes the segment being written (a later entry opens it again). */
  close(): void;
};

type Waiter = { done: Promise<void>; resolve: () => void; reject: (err: unknown) => void };

function waiter(): Waiter {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject };
}

const COMMITTED = Promise.resolve();

/**
 * The longest an entry nobody waits for (a settlement) stays queued: under traffic it goes with
 * the next admission's write long before; alone, it costs a write of its own this much later.
 */
export const UNAWAITED_WRITE_MS = 10;

const writeLater = (write: () => void): void => {
  setTimeout(write, UNAWAITED_WRITE_MS).unref();
};

/**
 * The limiter's store: the snapshot row in SQLite (saved at most once a second, through the
 * log's writing thread) and, between two snapshots, a journal of every take and settlement in
 * append-only files in the data folder's quota-journal/, written by the engine's own thread.
 *
 * Durability: the gate waits for `committed()` before a request goes upstream, and it resolves
 * once the entry's bytes are written with `writeSync`: they are then in the kernel, so they
 * survive the process being killed (kill -9, a crash), not the machine losing power (no fsync),
 * the bound SQLite's WAL with synchronous=NORMAL gave before. Entries of one event-loop
 * iteration go in one write at setImmediate once an admission waits for them; an admission with
 * no other in flight (one client's request at a time) is written at once, as nothing would join
 * its write and the upstream call would wait a loop turn for it. Entries nobody waits for
 * (settlements: the request has gone upstream already) go with the next admission's write, or on
 * their own within {@link UNAWAITED_WRITE_MS}, so a request costs one write, not two. The thread
 * never waits for another.
 *
 * Exactly once across a crash at any point: entries go to segment N; a save writes out what is
 * queued, switches to N+1, and commits the snapshot with "folded through N" in its row; segments
 * up to N are deleted only once that commit is acknowledged. A start-up replays, onto the
 * snapshot, only the segments after the one its row names (a crash before the commit replays
 * them all onto the older snapshot; one after it replays none of them twice), deletes the folded
 * ones and writes to a new segment, so it never appends to a line a crash tore.
 */
export function journalFileStore(
  dir: string,
  row: SnapshotRow,
  later: (write: () => void) => void = writeLater,
): JournalFileStore {
  let onDisk = listSegments(dir);
  let segment = (onDisk.at(-1) ?? 0) + 1;
  let fd: number | undefined;
  /** Entries queued for the next write. */
  let pending = '';
  let queued = false;
  /** A write at setImmediate (someone waits), or one later (nobody does), is on its way. */
  let soon = false;
  let lazy = false;
  /** Made only once someone waits for the queued entries: an admission does, a settlement not. */
  let waiting: Waiter | undefined;
  let replay: unknown[] = [];
  let unread: number[] = [];

  function removeThrough(folded: number): void {
    onDisk = onDisk.filter((n) => {
      if (n > folded) return true;
      try {
        removeSegment(dir, n);
        return false;
      } catch {
        // Folded already: the next start-up deletes it.
        return true;
      }
    });
  }

  function closeSegment(): void {
    if (fd === undefined) return;
    const open = fd;
    fd = undefined;
    closeSync(open);
  }

  function flush(): void {
    soon = false;
    if (!queued) return;
    const text = pending;
    const current = waiting;
    queued = false;
    pending = '';
    waiting = undefined;
    try {
      if (fd === undefined) {
        fd = openSegment(dir, segment);
        onDisk.push(segment);
      }
      writeAll(fd, Buffer.from(text));
      current?.resolve();
    } catch (err) {
      // Part of the write may have landed: the next entries go to a new segment, never after a
      // torn line. The gate reports the failure to the admissions waiting; a write of settlements
      // alone has nobody waiting, and the disk's trouble shows with the next take's.
      try {
        closeSegment();
      } catch {
        // The descriptor is dropped either way.
      }
      segment++;
      current?.reject(err);
    }
  }

  return {
    load: () => {
      const saved = row.load();
      replay = saved.entries;
      unread = onDisk.filter((n) => n > saved.folded);
      removeThrough(saved.folded);
      segment = Math.max(segment, saved.folded + 1);
      return saved.snapshot;
    },
    loadJournal: () => {
      const entries = [...replay, ...unread.flatMap((n) => readSegment(dir, n))];
      replay = [];
      unread = [];
      return entries;
    },
    save: (snapshot, carried = []) => {
      // What is queued is in the snapshot: written out first, so the snapshot folds whole segments.
      flush();
      closeSegment();
      const folded = segment;
      segment++;
      const saved = row.save(snapshot, carried, folded);
      return saved === undefined ? removeThrough(folded) : saved.then(() => removeThrough(folded));
    },
    append: (entry) => {
      pending += `${JSON.stringify(entry)}\n`;
      queued = true;
      if (soon || lazy) return;
      lazy = true;
      later(() => {
        lazy = false;
        flush();
      });
    },
    committed: (alone) => {
      if (!queued) return COMMITTED;
      waiting ??= waiter();
      const done = waiting.done;
      if (soon) return done;
      if (alone) {
        flush();
      } else {
        soon = true;
        setImmediate(flush);
      }
      return done;
    },
    close: closeSegment,
  };
}
