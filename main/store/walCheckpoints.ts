import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * The WAL size past which the writer waits for a checkpoint before deleting more (retention):
 * the WAL counts towards the file's cap too.
 */
const WAL_ROOM_BYTES = 4 * 1024 * 1024;
/** What the writer cuts the WAL back to when it starts it over after a checkpoint. */
export const WRITER_WAL_LIMIT_BYTES = 1024 * 1024;
/**
 * The WAL size from which a write asks for a checkpoint: past the size the writer cuts it back
 * to, so at least a megabyte was written since. Below it no thread is started: an idle engine's
 * few writes (a limiter snapshot) do not cost one.
 */
const CHECKPOINT_FROM_BYTES = 2 * WRITER_WAL_LIMIT_BYTES;
/** Longest the writer waits for that room: a checkpoint held up by a reader must not stall it. */
const MAX_WAIT_MS = 1000;
/** The checkpointing thread ends after this long without writes, and starts again with the next. */
const IDLE_MS = 60_000;

export type WalCheckpoints = {
  /** Something was committed: a checkpoint follows soon, in the other thread. */
  wrote(): void;
  /**
   * Retention deleted rows: a checkpoint follows whatever the WAL's size, so the database file is
   * cut to what is left then, not at some later write's checkpoint.
   */
  shrank(): void;
  /** Resolves once the WAL may grow again: no checkpoint behind, or after MAX_WAIT_MS. */
  room(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Checkpoints of the writer's WAL done by another connection in its own thread. With SQLite's
 * automatic checkpoints, every ~1,000 pages one commit copied the WAL into the database and
 * synced it: on a 1M-row log during retention, 10–200 ms in which the writing thread (and the
 * quota journal's commits the proxy waits for) stood still. A passive checkpoint never takes
 * the write lock, so the writer commits meanwhile; the next commit after a complete one starts
 * the WAL over (cut back to journal_size_limit), and a shrunk database is truncated with it.
 */
export function threadCheckpoints(walPath: string, start: () => Worker): WalCheckpoints {
  let worker: Worker | undefined;
  let running = false;
  let dirty = false;
  let idle: NodeJS.Timeout | undefined;
  let closed = false;
  /** The WAL size the next kick after a running checkpoint asks for (0 once retention shrank the file). */
  let pending = CHECKPOINT_FROM_BYTES;
  const walBytes = () => {
    try {
      return statSync(walPath).size;
    } catch {
      return 0;
    }
  };
  const stop = () => {
    if (running) return;
    void worker?.terminate();
    worker = undefined;
  };
  const kick = (fromBytes = CHECKPOINT_FROM_BYTES) => {
    if (running || !dirty || closed || walBytes() < fromBytes) return;
    dirty = false;
    running = true;
    clearTimeout(idle);
    if (worker === undefined) {
      worker = start();
      worker.unref();
      worker.on('message', () => {
        running = false;
        const fromBytes = pending;
        pending = CHECKPOINT_FROM_BYTES;
        if (dirty) setImmediate(() => kick(fromBytes));
        else idle = setTimeout(stop, IDLE_MS).unref();
      });
    }
    worker.postMessage('checkpoint');
  };
  return {
    wrote: () => {
      dirty = true;
      kick();
    },
    shrank: () => {
      dirty = true;
      if (running) pending = 0;
      else kick(0);
    },
    room: async () => {
      kick();
      const until = performance.now() + MAX_WAIT_MS;
      // Once a checkpoint is done the writer's next commit starts the WAL over: no need to wait.
      while (running && walBytes() > WAL_ROOM_BYTES && performance.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 5));
    },
    close: async () => {
      closed = true;
      clearTimeout(idle);
      await worker?.terminate();
      worker = undefined;
    },
  };
}

/**
 * The checkpointing thread's whole program: a connection and a passive checkpoint per message.
 * Its own few lines rather than the log's worker module, so the thread costs a bare isolate
 * (about 10 MB) and not one that loaded all of the log's code (28 MB).
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path, { timeout: 2000 });
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', () => {
  // Busy or failed: the next write asks again; the WAL only grows meanwhile.
  try { checkpoint.get(); } catch {}
  parentPort.postMessage('done');
});
`;

/** Starts the checkpointing thread on the database at `path`. */
export function startCheckpointer(path: string): Worker {
  return new Worker(CHECKPOINTER, { eval: true, workerData: { path } });
}
