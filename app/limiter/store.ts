import type { JournalEntry } from './journal.ts';
import type { LimiterSnapshot } from './snapshot.ts';

/**
 * Where the limiter's counts persist between runs (SQLite in the app; memory in tests). The
 * journal members are optional: a store without them keeps only the throttled snapshot.
 */
export interface LimiterStore {
  load(): LimiterSnapshot | undefined;
  /** Saves the snapshot and replaces the journal with `carried` (entries not yet in it). */
  save(snapshot: LimiterSnapshot, carried?: readonly JournalEntry[]): void;
  /** The journal since the last snapshot, oldest first, as stored. */
  loadJournal?(): unknown[];
  /** Queues an entry; it is committed with the others of this turn of the event loop. */
  append?(entry: JournalEntry): void;
  /** Resolves once every entry appended so far is committed. */
  committed?(): Promise<void>;
}
