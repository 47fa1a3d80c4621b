// The request log's threads (see requestLogThread.ts), each with its own connection to the
// database: the writer and the reader run the same RequestLog the tests drive directly, fed
// batches of records and asked queries by message. The writer checkpoints its WAL between its
// commits (walCheckpoints.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from './database.ts';
import { sqliteLimiterSnapshots } from './limiterSnapshot.ts';
import { RequestLog } from './requestLog.ts';
import type { LogSettings } from './requestLogWriter.ts';
import type { ToWorker, WorkerData } from './requestLogMessages.ts';
import { sqliteResponses } from './storedResponses.ts';
import {
  WRITER_WAL_LIMIT_BYTES,
  writerCheckpoints,
  type WalCheckpoints,
} from './walCheckpoints.ts';

function serveLog(port: MessagePort, data: WorkerData): void {
  const db = openDatabase(data.path);
  let checkpoints: WalCheckpoints | undefined;
  if (data.role === 'writer') {
    // Checkpoints run between commits (walCheckpoints.ts), never inside one.
    // 1 MB of page cache, not the 16 MB the readers keep: rows and ids go in at the end of the
    // table and its indexes, so a few pages are hot. After 200,000 requests at 50 connections
    // glibc had 14.7-15.8 MB in use against 17.8-18.7 at 4 MB (malloc_stats, three runs each).
    // What its arenas held in all varied from 32 to 47 MB either way (their free space is
    // fragmented by V8's compiler threads; engineFlags.ts), so RSS shows the 3 MB only in part:
    // eight interleaved pairs, median difference -7.0 MB (five lower by 6.8-17.3, one level,
    // two higher by 7); one `npm run bench -- proxy` pair, 161.2 at 4 MB and 164.9 at 1 MB.
    // 16 -> 4 MB had measured 185 -> 172 MB after 60,000 requests. The writer's CPU: 7.4
    // against 7.5 µs per request (medians of three interleaved `profileEngine.ts 8` runs); a
    // retention pass on a 300,000-row log (`BENCH_ROWS=300000 npm run bench -- requestLog`)
    // took 1.5 s against 1.4.
    db.exec(
      `PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = ${WRITER_WAL_LIMIT_BYTES}; PRAGMA cache_size = -1000`,
    );
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    checkpoints = writerCheckpoints(`${data.path}-wal`, () => checkpoint.get());
  }
  let settings: LogSettings = data.settings;
  let now = data.now;
  // The limiter's snapshot commits here too, on this connection: the engine's thread never waits
  // for the write lock the log holds (see quotaJournalFile.ts).
  const snapshots = sqliteLimiterSnapshots(db);
  const responses = sqliteResponses(db);
  const log = new RequestLog({
    db,
    settings: () => settings,
    now: () => now,
    log: (message) => port.postMessage({ kind: 'log', message }),
    // The main thread batches and decides when to prune; this thread writes what it is sent.
    pruneIntervalMs: 0,
    maxPending: Number.MAX_SAFE_INTEGER,
    ...(checkpoints === undefined
      ? {}
      : {
          // Each retention step's pages are checkpointed before the next step, so the WAL does
          // not grow by what the pass deletes.
          betweenRetentionSteps: async () => {
            checkpoints.wrote();
            await new Promise<void>((resolve) => setImmediate(resolve));
            await checkpoints.room();
          },
        }),
  });

  async function answer(message: Extract<ToWorker, { kind: 'call' }>): Promise<unknown> {
    const call = message.call;
    switch (call.op) {
      case 'list':
        return log.list(call.query);
      case 'get':
        return log.get(call.id);
      case 'metrics':
        return log.metrics(call.query);
      case 'live':
        return log.liveTraffic();
      case 'prune': {
        const deleted = await log.prune();
        if (deleted > 0) checkpoints?.shrank();
        return deleted;
      }
      case 'sync':
        return undefined;
      case 'response':
        return responses.get(call.id, now);
      case 'deleteResponse':
        return responses.delete(call.id);
      case 'snapshot':
        snapshots.save(call.snapshot, call.carried, call.folded);
        return undefined;
      case 'close':
        await log.close();
        checkpoints?.close();
        db.close();
        return undefined;
    }
  }

  port.on('message', (message: ToWorker) => {
    settings = message.settings;
    now = message.now;
    if (message.kind === 'write') {
      try {
        responses.saveAll(message.responses, now);
      } catch (err) {
        port.postMessage({
          kind: 'log',
          message: `stored responses: could not keep ${message.responses.length} answer(s) (${(err as Error).message}); a previous_response_id naming them will get a 404.`,
        });
      }
      const count = message.batch.rows;
      const written = log.writeBatch(message.batch);
      checkpoints?.wrote();
      port.postMessage({ kind: 'written', count, failed: count - written });
      return;
    }
    answer(message).then(
      (value) => {
        if (message.call.op !== 'close') checkpoints?.wrote();
        port.postMessage({ kind: 'reply', id: message.id, ok: true, value });
      },
      (err: unknown) =>
        port.postMessage({
          kind: 'reply',
          id: message.id,
          ok: false,
          name: (err as Error).name,
          message: (err as Error).message,
        }),
    );
  });
}

if (!parentPort) throw new Error('requestLogWorker.ts runs only as a worker thread');
serveLog(parentPort, workerData as WorkerData);
