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
 * acknowledgement instead. Entries of one event-loop iteration go in one message and one commit,
 * and while a message waits for its acknowledgement the next entries wait with it (group commit);
 * the thread handles messages in order, so a snapshot save replaces exactly the entries sent
 * before it, and the entries queued since (already in the snapshot) are not sent at all.
 * Loading at start reads through the engine's own connection.
 */
export function threadLimiterStore(db: DatabaseSync, thread: RequestLogThread): LimiterStore {
  const local = sqliteLimiterStore(db);
  let pending: JournalEntry[] = [];
  let batch: Batch | undefined;
  /** The last message sent: the thread commits in order, so its ack covers every earlier one. */
  let sent: Promise<void> = Promise.resolve();
  /** Messages sent and not acknowledged yet: the next batch waits until there are none. */
  let unacked = 0;
  let scheduled = false;

  // Once per loop iteration, not per microtask turn: under load each socket's request is its own
  // callback, and a message per admission cost 11.5 % of the proxy thread's CPU. And one message
  // in flight at a time (group commit): entries made while the thread commits go together once
  // it answers, so under load a message, a commit and the wake-up of each thread serve many
  // admissions instead of the few of one iteration.
  const schedule = (): void => {
    if (scheduled || unacked > 0 || batch === undefined) return;
    scheduled = true;
    setImmediate(send);
  };
  const acked = (): void => {
    unacked--;
    schedule();
  };
  const post = (message: Promise<void>): Promise<void> => {
    unacked++;
    sent = message;
    message.then(acked, acked);
    return message;
  };

  const send = (): void => {
    scheduled = false;
    const current = batch;
    const entries = pending;
    if (current === undefined || unacked > 0) return;
    batch = undefined;
    pending = [];
    post(thread.journal(entries)).then(current.resolve, current.reject);
  };

  return {
    load: () => local.load(),
    loadJournal: () => local.loadJournal?.() ?? [],
    save: (snapshot, carried = []) => {
      const covered = batch;
      batch = undefined;
      pending = [];
      post(thread.saveSnapshot(snapshot, [...carried])).then(
        () => covered?.resolve(),
        (err: unknown) => covered?.reject(err),
      );
    },
    append: (entry) => {
      pending.push(entry);
      if (batch !== undefined) return;
      batch = deferred();
      schedule();
    },
    committed: () => batch?.done ?? sent,
  };
}
