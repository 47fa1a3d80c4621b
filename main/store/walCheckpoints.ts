import { statSync } from 'node:fs';

/** What the writer cuts the WAL back to when it starts it over after a checkpoint. */
export const WRITER_WAL_LIMIT_BYTES = 1024 * 1024;
/**
 * The WAL size from which a write asks for a checkpoint: past the size the writer cuts it back
 * to, so at least a megabyte was written since. Below it none runs: an idle engine's few writes
 * (a limiter snapshot) do not cost one.
 */
const CHECKPOINT_FROM_BYTES = 2 * WRITER_WAL_LIMIT_BYTES;

export type WalCheckpoints = {
  /** Something was committed: a checkpoint follows, once this turn's work is answered. */
  wrote(): void;
  /**
   * Retention deleted rows: a checkpoint follows whatever the WAL's size, so the database file is
   * cut to what is left then, not at some later write's checkpoint.
   */
  shrank(): void;
  /** Resolves once the WAL may grow again: the checkpoint asked for, if any, is run now. */
  room(): Promise<void>;
  close(): void;
};

/**
 * Checkpoints of the writer's WAL, run by the writing thread between its commits (SQLite's
 * automatic ones are off): with them, every ~1,000 pages one commit copied the WAL into the
 * database and synced it, 10–200 ms inside a commit on a 1M-row log during retention. A passive
 * checkpoint at the next turn of the thread's loop, after its answer to the engine is posted,
 * takes no write lock and waits for no reader; the next commit after a complete one starts the
 * WAL over (cut back to journal_size_limit), and a shrunk database is truncated with it. Nothing
 * waits for the writer: the proxy's thread posts to it, and the quota journal is files of its
 * own (quotaJournalFile.ts). They ran in a third thread of their own before, whose bare isolate
 * held 11 MB of RSS for as long as the engine took traffic (and 5 MB more after it ended).
 */
export function writerCheckpoints(walPath: string, checkpoint: () => void): WalCheckpoints {
  let scheduled: NodeJS.Immediate | undefined;
  /** The WAL size the scheduled checkpoint asks for (0 once retention shrank the file). */
  let fromBytes = CHECKPOINT_FROM_BYTES;
  const walBytes = () => {
    try {
      return statSync(walPath).size;
    } catch {
      return 0;
    }
  };
  const run = () => {
    scheduled = undefined;
    const from = fromBytes;
    fromBytes = CHECKPOINT_FROM_BYTES;
    if (from > 0 && walBytes() < from) return;
    try {
      checkpoint();
    } catch {
      // Busy or failed: the next write asks again; the WAL only grows meanwhile.
    }
  };
  const soon = (from: number) => {
    fromBytes = Math.min(fromBytes, from);
    scheduled ??= setImmediate(run);
  };
  return {
    wrote: () => soon(CHECKPOINT_FROM_BYTES),
    shrank: () => soon(0),
    room: async () => {
      if (scheduled === undefined) return;
      clearImmediate(scheduled);
      run();
    },
    close: () => {
      clearImmediate(scheduled);
      scheduled = undefined;
    },
  };
}
