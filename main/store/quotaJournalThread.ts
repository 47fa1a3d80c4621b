import type { DatabaseSync } from 'node:sqlite';
import type { JournalEntry } from '../../app/limiter/journal.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import { sqliteLimiterStore } from './limiterSnapshot.ts';
import type { RequestLogThread } from './requestLogThread.ts';

type Batch = { done: Promise<void>; resolve: () => void; reject: (err: unknown) => void };

function deferred(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody awaits (a settlement's) is reported by the gate through committed().
  done.catch(() => undefined);
  return { done, resolve, reject };
}

/**
 * The limiter's store with its writes committed in the request log's thread (limiterSnapshot.ts
 * has the format and the durability argument). One connection writes, so the engine's thread never
 * waits for SQLite's write lock while the log holds it: an admission awaits the thread's
 * acknowledgement instead. Entries of one event-loop iteration go in one message and one commit;
 * the thread handles messages in order, so a snapshot save replaces exactly the entries sent
 * before it, and the entries queued since (already in the snapshot) are not sent at all.
 * Loading at start reads through the engine's own connection.
 */
export function threadLimiterStore(db: DatabaseSync, thread: RequestLogThread): LimiterStore {
  const local = sqliteLimiterStore(db);
  let pending: JournalEntry[] = [];
  let batch: Batch | undefined;
  /** The last batch sent: the thread commits in order, so its ack covers every earlier one. */
  let sent: Promise<void> = Promise.resolve();

  const send = (): void => {
    const current = batch;
    const entries = pending;
    batch = undefined;
    pending = [];
    if (current === undefined) return;
    sent = thread.journal(entries);
    sent.then(current.resolve, current.reject);
  };

  return {
    load: () => local.load(),
    loadJournal: () => local.loadJournal?.() ?? [],
    save: (snapshot, carried = []) => {
      const covered = batch;
      batch = undefined;
      pending = [];
      sent = thread.saveSnapshot(snapshot, [...carried]);
      sent.then(
        () => covered?.resolve(),
        (err: unknown) => covered?.reject(err),
      );
    },
    append: (entry) => {
      pending.push(entry);
      if (batch !== undefined) return;
      batch = deferred();
      // Once per loop iteration, not per microtask turn: under load each socket's request is
      // its own callback, and a message per admission cost 11.5 % of the proxy thread's CPU.
      setImmediate(send);
    },
    committed: () => batch?.done ?? sent,
  };
}
