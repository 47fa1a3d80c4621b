import type { DatabaseSync } from 'node:sqlite';
import type { LogSettings } from './requestLogWriter.ts';
import { MINUTE, MINUTE_ROWS_KEEP_MS, QUARTER_HOUR } from './rollups.ts';
import { inTransaction } from './transaction.ts';

const MB = 1024 * 1024;
/**
 * Requests deleted per transaction. Small, because a step holds SQLite's write lock, and the
 * engine's quota journal commits wait for it: about 5 ms a step on a 1M-row log.
 */
const STEP_ROWS = 100;
/** The first step over the cap, before the size of a row is known; and the least. */
const MIN_STEP_ROWS = 25;

export type RetentionOptions = {
  db: DatabaseSync;
  settings: () => LogSettings;
  now: () => number;
  /** Told after rollup rows were deleted, so a writer caching them reads them afresh. */
  onRollupsPruned: () => void;
  /**
   * Awaited after each step. Given, it checkpoints the WAL (the log's writing thread does, between
   * its commits: walCheckpoints.ts); by default a step yields
   * one turn of the event loop and the pass ends with a checkpoint that truncates the WAL.
   */
  betweenSteps?: () => Promise<void>;
};

/**
 * Retention: requests older than retentionDays go, then the oldest until the data fits in
 * retentionMaxMb. It deletes in small steps and gives each step's pages back to the file at once
 * (incremental vacuum) with a WAL that is truncated behind it, so the file shrinks as it goes
 * instead of first growing by the size of what it deletes; run often (the owner's timer), it keeps
 * the file near its cap rather than letting it overshoot between passes.
 */
export class Retention {
  readonly #db: DatabaseSync;
  readonly #settings: () => LogSettings;
  readonly #now: () => number;
  readonly #onRollupsPruned: () => void;
  readonly #betweenSteps: (() => Promise<void>) | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(options: RetentionOptions) {
    this.#db = options.db;
    this.#settings = options.settings;
    this.#now = options.now;
    this.#onRollupsPruned = options.onRollupsPruned;
    this.#betweenSteps = options.betweenSteps;
  }

  /** One pass; a call while one runs joins it. Resolves with the requests deleted. */
  run(): Promise<number> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops after the current step and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running?.catch(() => 0);
  }

  async #pass(): Promise<number> {
    const settings = this.#settings();
    const now = this.#now();
    const cutoff = now - settings.retentionDays * 86_400_000;
    const oldest = this.#db.prepare(
      'SELECT id FROM requests WHERE started_at < ? ORDER BY started_at LIMIT ?',
    );
    let deleted = await this.#deleteWhile(() =>
      oldest.all(cutoff, STEP_ROWS).map((r) => (r as { id: number }).id),
    );
    if (this.#stopped) return deleted;
    this.#db
      .prepare('DELETE FROM rollups WHERE res = ? AND bucket < ?')
      .run(MINUTE, now - MINUTE_ROWS_KEEP_MS);
    this.#db.prepare('DELETE FROM rollups WHERE res = ? AND bucket < ?').run(QUARTER_HOUR, cutoff);
    this.#db.prepare('DELETE FROM spend WHERE bucket < ?').run(cutoff);
    this.#onRollupsPruned();
    const maxBytes = settings.retentionMaxMb * MB;
    const first = this.#db.prepare('SELECT id FROM requests ORDER BY started_at LIMIT ?');
    // Each step takes about what is still over the cap, judged by the bytes the last step freed.
    let bytesPerRow: number | undefined;
    let before = this.#usedBytes();
    let lastStep = 0;
    deleted += await this.#deleteWhile(() => {
      const used = this.#usedBytes();
      if (lastStep > 0 && before > used) bytesPerRow = (before - used) / lastStep;
      before = used;
      if (used <= maxBytes) return [];
      lastStep =
        bytesPerRow === undefined
          ? MIN_STEP_ROWS
          : Math.min(
              STEP_ROWS,
              Math.max(MIN_STEP_ROWS, Math.ceil((used - maxBytes) / bytesPerRow)),
            );
      return first.all(lastStep).map((r) => (r as { id: number }).id);
    });
    if (deleted > 0 && !this.#stopped && this.#betweenSteps === undefined)
      this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  async #deleteWhile(next: () => number[]): Promise<number> {
    let deleted = 0;
    for (;;) {
      if (this.#stopped) return deleted;
      const ids = next();
      if (ids.length === 0) return deleted;
      const list = ids.join(',');
      inTransaction(this.#db, () => {
        this.#db.exec(`DELETE FROM attempts WHERE request IN (${list})`);
        this.#db.exec(`DELETE FROM bodies WHERE request IN (${list})`);
        this.#db.exec(`DELETE FROM requests WHERE id IN (${list})`);
      });
      // This step's free pages leave the file now, a few at a time, not all at the end.
      this.#db.exec('PRAGMA incremental_vacuum');
      deleted += ids.length;
      if (this.#betweenSteps) await this.#betweenSteps();
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #usedBytes(): number {
    const pages = (this.#db.prepare('PRAGMA page_count').get() as { page_count: number })
      .page_count;
    const free = (this.#db.prepare('PRAGMA freelist_count').get() as { freelist_count: number })
      .freelist_count;
    const size = (this.#db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    return (pages - free) * size;
  }
}
