import type { JournalEntry } from './journal.ts';
import type { LimiterSnapshot } from './snapshot.ts';

/**
 * Where the limiter's counts persist between runs (SQLite and journal files in the app; memory in
 * tests). The journal members are optional: a store without them keeps only the throttled
 * snapshot. `load` is called first, once, before anything is appended.
 */
export interface LimiterStore {
  load(): LimiterSnapshot | undefined;
  /**
   * Saves the snapshot and replaces the journal with `carried` (entries not yet in it). A store
   * that commits later returns a promise; its failure is reported like a thrown one.
   */
  save(snapshot: LimiterSnapshot, carried?: readonly JournalEntry[]): Promise<void> | void;
  /** The journal since the last snapshot, oldest first, as stored. */
  loadJournal?(): unknown[];
  /** Queues an entry; it is committed with the others of this iteration of the event loop. */
  append?(entry: JournalEntry): void;
  /**
   * Resolves once every entry appended so far is committed. `alone`: no other admission is in
   * flight, so none is likely to join this iteration's write; the store may write at once.
   */
  committed?(alone: boolean): Promise<void>;
}
