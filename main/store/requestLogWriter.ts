import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AttemptRecord, RequestListItem, RequestRecord } from '../../app/admin/types.ts';
import { DropCounter } from './dropCounter.ts';
import { LogBatchEncoder, LogBatchReader, type LogBatch } from './logBatch.ts';
import { ROUTE, STREAMED, triedCount, type LogRow } from './logRows.ts';
import { MultiRowInsert, ROWS_PER_STATEMENT } from './multiRowInsert.ts';
import { RollupWriter } from './rollupWriter.ts';
import { SpendWriter } from './spendToday.ts';
import { inTransaction } from './transaction.ts';

export type LogSettings = { logBodies: boolean; retentionDays: number; retentionMaxMb: number };

export type RequestLogWriterOptions = {
  db: DatabaseSync;
  settings: () => LogSettings;
  now: () => number;
  log: (message: string) => void;
  /** How long a recorded row may wait before its batch is committed. */
  flushIntervalMs: number;
  /** Requests per transaction; larger batches are split so no single commit holds the thread long. */
  maxBatch: number;
  /** Requests waiting to be written beyond which new ones are dropped (and counted). */
  maxPending: number;
};

export type RequestLogStats = { pending: number; written: number; dropped: number };

/** What the request log is told, in-process (requestLog.ts) or in its thread (requestLogThread.ts). */
export type RequestLogCommonOptions = {
  settings: () => LogSettings;
  now?: () => number;
  log?: (message: string) => void;
  /** How long a recorded row may wait before its batch is committed (or sent to be). */
  flushIntervalMs?: number;
  /** Requests per batch; a full batch goes at once, without waiting for the interval. */
  maxBatch?: number;
  /** Requests waiting to be written beyond which new ones are dropped (and counted). */
  maxPending?: number;
  /**
   * How often retention runs (it also runs shortly after start); in RequestLogThread, at most this
   * often while writes come, and shortly after its writing thread starts. 0: only when asked.
   */
  pruneIntervalMs?: number;
};

/** A record as the log's list shows it (and the event stream sends it): no bodies. */
export function listItem(
  request: RequestRecord,
  attempts: readonly AttemptRecord[],
): RequestListItem {
  // Made for every request: a record without bodies (the usual case) is copied once, not twice.
  if (request.requestBody === undefined && request.responseBody === undefined)
    return { ...request, attempts: triedCount(attempts) };
  const { requestBody: _req, responseBody: _res, ...rest } = request;
  return { ...rest, attempts: triedCount(attempts) };
}

/** Counts and reports a record refused because `pending` reached `maxPending`; true when refused. */
export function refusedWhenFull(pending: number, maxPending: number, drops: DropCounter): boolean {
  if (pending < maxPending) return false;
  drops.add();
  drops.report();
  return true;
}

/**
 * Writes the request log. `record` only queues (the proxy never waits on the disk); a timer commits
 * the queue in transactions of at most `maxBatch` requests, yielding to the event loop between
 * them, with the rollups of the same requests in the same transaction. A record is durable once
 * the transaction holding it commits: that is what `flush` returns. When writing falls behind by
 * `maxPending` requests, new records are dropped and counted, and the log says how many once a
 * minute. Queued requests wait encoded (logBatch.ts) and are decoded 32 at a time, as each
 * statement binds them: the writing thread's heap holds one statement's rows, not a batch's.
 */
export class RequestLogWriter {
  readonly rollups: RollupWriter;
  readonly #spend: SpendWriter;
  readonly #db: DatabaseSync;
  readonly #settings: () => LogSettings;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #flushIntervalMs: number;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #nextRowId: StatementSync;
  readonly #rowIdsFrom: StatementSync;
  readonly #insertRequests: MultiRowInsert;
  readonly #insertAttempts: MultiRowInsert;
  readonly #insertBody: StatementSync;
  /** The batches to write, oldest first (none read to its end): the proxy thread's, and this one's. */
  readonly #batches: LogBatchReader[] = [];
  /** Records queued in this thread since its last batch went to `#batches` (made on first use). */
  #encoder: LogBatchEncoder | undefined;
  /** Requests queued, in `#batches` and the encoder. */
  #pending = 0;
  /** Rows of the chunk being written taken from `#batches` so far. */
  #taken = 0;
  /** The rows of the statement being bound (one statement's worth, never a batch's). */
  readonly #statementRows: LogRow[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #written = 0;
  readonly #drops: DropCounter;
  #closed = false;

  constructor(options: RequestLogWriterOptions) {
    this.#db = options.db;
    this.#settings = options.settings;
    this.#now = options.now;
    this.#log = options.log;
    this.#drops = new DropCounter(this.#now, this.#log);
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#maxBatch = options.maxBatch;
    this.#maxPending = options.maxPending;
    this.rollups = new RollupWriter(this.#db);
    this.#spend = new SpendWriter(this.#db);
    // Rows get their ids here, as SQLite would (the largest plus one), so a batch's attempts
    // know their request's without a statement per row to ask it.
    this.#nextRowId = this.#db.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM requests');
    this.#rowIdsFrom = this.#db.prepare('SELECT id FROM requests WHERE id >= ?');
    this.#insertRequests = new MultiRowInsert(
      this.#db,
      `INSERT OR IGNORE INTO requests (id, request_id, started_at, kind, inbound, requested_model, route, provider, key_id, model,
         status, failure_class, error, headers_ms, first_token_ms, total_ms, tokens_in, tokens_out, cost,
         streamed, hedged, client_aborted, attempts, rule, affinity)`,
      25,
    );
    this.#insertAttempts = new MultiRowInsert(
      this.#db,
      `INSERT OR REPLACE INTO attempts (request, idx, started_at, provider, model, key_id, status, outcome, failure_class,
         reason, headers_ms, first_token_ms, total_ms, tokens_in, tokens_out, cost, hedged, hold_until)`,
      18,
    );
    this.#insertBody = this.#db.prepare(
      'INSERT OR REPLACE INTO bodies (request, request_body, response_body) VALUES (?, ?, ?)',
    );
  }

  /** Queues a finished request. Never blocks; false when it was dropped because the log is behind. */
  record(request: RequestRecord, attempts: AttemptRecord[]): boolean {
    if (this.#closed) return false;
    if (refusedWhenFull(this.#pending, this.#maxPending, this.#drops)) return false;
    (this.#encoder ??= new LogBatchEncoder()).add(request, attempts);
    if (++this.#pending >= this.#maxBatch) this.#scheduleChunk();
    else this.#timer ??= setTimeout(() => this.#tick(), this.#flushIntervalMs).unref();
    return true;
  }

  /**
   * Commits a batch the proxy's thread encoded (logBatch.ts), synchronously, after what was
   * queued; returns how many requests were committed.
   */
  writeBatch(batch: LogBatch): number {
    if (this.#closed) return 0;
    this.#seal();
    if (batch.rows > 0) this.#batches.push(new LogBatchReader(batch));
    this.#pending += batch.rows;
    return this.flush();
  }

  /** Commits everything queued now, synchronously; returns how many requests were committed. */
  flush(): number {
    let committed = 0;
    while (this.#pending > 0) committed += this.#writeChunk();
    return committed;
  }

  stats(): RequestLogStats {
    return { pending: this.#pending, written: this.#written, dropped: this.#drops.count };
  }

  /** Commits what is queued and stops the timers; later records are refused. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#drops.report(true);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#pending > 0) this.#scheduleChunk();
  }

  #scheduleChunk(): void {
    this.#immediate ??= setImmediate(() => {
      this.#immediate = undefined;
      if (this.#closed) return;
      this.#writeChunk();
      if (this.#pending >= this.#maxBatch) this.#scheduleChunk();
      else if (this.#pending > 0)
        this.#timer ??= setTimeout(() => this.#tick(), this.#flushIntervalMs).unref();
    });
  }

  #writeChunk(): number {
    this.#seal();
    const count = Math.min(this.#pending, this.#maxBatch);
    if (count === 0) return 0;
    this.#taken = 0;
    try {
      inTransaction(this.#db, () => this.#insert(count));
      this.#written += count;
      return count;
    } catch (err) {
      this.#skip(count - this.#taken);
      this.#statementRows.length = 0;
      this.#insertRequests.discard();
      this.#insertAttempts.discard();
      this.#spend.discard();
      this.rollups.reset();
      this.#drops.add(count);
      this.#log(
        `request log: could not write ${count} request${count === 1 ? '' : 's'} (${(err as Error).message}); they are lost, the proxy is not affected.`,
      );
      return 0;
    }
  }

  /**
   * The next `count` requests' rows, spend and rollups; the caller holds the transaction. They are
   * decoded and bound one statement's rows at a time, so no more than those are held as objects.
   */
  #insert(count: number): void {
    const logBodies = this.#settings().logBodies;
    const rows = this.#statementRows;
    let rowId = (this.#nextRowId.get() as { id: number }).id;
    for (let left = count; left > 0;) {
      const n = Math.min(ROWS_PER_STATEMENT, left);
      for (let i = 0; i < n; i++) {
        const row = this.#nextRow();
        rows[i] = row;
        this.#insertRequests.add(rowId + i, row[0]);
      }
      // A request id the log already holds is ignored, with its attempts (its rollups still
      // count them); only then is it worth asking which rows went in.
      const kept = this.#insertRequests.end() < n ? this.#keptFrom(rowId) : undefined;
      for (let i = 0; i < n; i++) {
        const [request, attempts, requestBody, responseBody] = rows[i]!;
        const streamed = request[STREAMED] === 1;
        for (const attempt of attempts) this.rollups.add(attempt, streamed);
        if (kept !== undefined && !kept.has(rowId + i)) continue;
        for (const attempt of attempts) {
          this.#spend.add(request[ROUTE], attempt);
          this.#insertAttempts.add(rowId + i, attempt);
        }
        if (logBodies && (requestBody !== null || responseBody !== null))
          // Redacted by the engine's recorder before they got here (store/bodyRedaction.ts).
          this.#insertBody.run(rowId + i, requestBody, responseBody);
      }
      rowId += n;
      left -= n;
    }
    rows.length = 0;
    this.#insertAttempts.end();
    this.#spend.write();
    this.rollups.write();
  }

  /** The row ids from `from` on that the requests' table holds. */
  #keptFrom(from: number): Set<number> {
    return new Set(this.#rowIdsFrom.all(from).map((row) => (row as { id: number }).id));
  }

  /** Puts the records queued in this thread behind the batches already queued. */
  #seal(): void {
    if (this.#encoder !== undefined && this.#encoder.rows > 0)
      this.#batches.push(new LogBatchReader(this.#encoder.take()));
  }

  /**
   * The oldest queued request's row; only while `#pending` > 0 and after `#seal`. A batch read to
   * its end is let go at once, with its buffers and texts (bodies too), not kept until the next.
   */
  #nextRow(): LogRow {
    const reader = this.#batches[0]!;
    const row = reader.next();
    if (reader.left === 0) this.#batches.shift();
    this.#pending--;
    this.#taken++;
    return row;
  }

  /** Drops the next `count` queued requests unread (their chunk's transaction failed). */
  #skip(count: number): void {
    for (let left = count; left > 0;) {
      const reader = this.#batches[0]!;
      const n = Math.min(left, reader.left);
      reader.skip(n);
      if (reader.left === 0) this.#batches.shift();
      this.#pending -= n;
      left -= n;
    }
  }
}
