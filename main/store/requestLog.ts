import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { MetricsQuery, RequestLogQuery } from '../../app/admin/contract.ts';
import type {
  AttemptRecord,
  RequestDetail,
  RequestListItem,
  RequestLogPage,
  RequestRecord,
  MetricsResponse,
} from '../../app/admin/types.ts';
import {
  MINUTE,
  MINUTE_ROWS_KEEP_MS,
  QUARTER_HOUR,
  queryMetrics,
  RollupWriter,
} from './metrics.ts';

export type LogSettings = { logBodies: boolean; retentionDays: number; retentionMaxMb: number };

export type RequestLogOptions = {
  db: DatabaseSync;
  settings: () => LogSettings;
  now?: () => number;
  log?: (message: string) => void;
  /** How long a recorded row may wait before its batch is committed. */
  flushIntervalMs?: number;
  /** Requests per transaction; larger batches are split so no single commit holds the thread long. */
  maxBatch?: number;
  /** Requests waiting to be written beyond which new ones are dropped (and counted). */
  maxPending?: number;
  /** How often retention runs (it also runs shortly after start). */
  pruneIntervalMs?: number;
  /** Told of every accepted record, e.g. to publish it on the event stream. */
  onRecord?: (request: RequestListItem, attempts: AttemptRecord[]) => void;
};

export type RequestLogStats = { pending: number; written: number; dropped: number };

type Pending = { request: RequestRecord; attempts: AttemptRecord[] };

type RequestRow = {
  id: number;
  request_id: string;
  started_at: number;
  kind: RequestRecord['kind'];
  inbound: RequestRecord['inboundFormat'];
  requested_model: string;
  route: string | null;
  rule: string | null;
  affinity: string | null;
  provider: string | null;
  key_id: string | null;
  model: string | null;
  status: number;
  failure_class: RequestRecord['failureClass'];
  error: string | null;
  headers_ms: number | null;
  first_token_ms: number | null;
  total_ms: number;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  streamed: number;
  hedged: number;
  client_aborted: number;
  attempts: number;
};

type AttemptRow = {
  idx: number;
  started_at: number;
  provider: string;
  model: string;
  key_id: string | null;
  status: number;
  outcome: AttemptRecord['outcome'];
  failure_class: AttemptRecord['failureClass'];
  reason: string | null;
  headers_ms: number | null;
  first_token_ms: number | null;
  total_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  hedged: number;
  hold_until: number | null;
};

const MB = 1024 * 1024;
const PRUNE_CHUNK = 2000;
const DROP_REPORT_MS = 60_000;

function toItem(row: RequestRow): RequestListItem {
  return {
    id: row.request_id,
    startedAt: row.started_at,
    kind: row.kind,
    inboundFormat: row.inbound,
    requestedModel: row.requested_model,
    route: row.route,
    rule: row.rule,
    affinity: row.affinity,
    provider: row.provider,
    keyId: row.key_id,
    model: row.model,
    status: row.status,
    failureClass: row.failure_class,
    error: row.error,
    headersMs: row.headers_ms,
    firstTokenMs: row.first_token_ms,
    totalMs: row.total_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    costUsd: row.cost,
    streamed: row.streamed === 1,
    hedged: row.hedged === 1,
    clientAborted: row.client_aborted === 1,
    attempts: row.attempts,
  };
}

function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    index: row.idx,
    startedAt: row.started_at,
    provider: row.provider,
    model: row.model,
    keyId: row.key_id,
    status: row.status,
    outcome: row.outcome,
    failureClass: row.failure_class,
    reason: row.reason,
    headersMs: row.headers_ms,
    firstTokenMs: row.first_token_ms,
    totalMs: row.total_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    costUsd: row.cost,
    hedged: row.hedged === 1,
    holdUntil: row.hold_until,
  };
}

/** An opaque page cursor: the last row's start time and row id. */
function encodeCursor(startedAt: number, id: number): string {
  return Buffer.from(`${startedAt}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: number; id: number } | null {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { startedAt: Number(match[1]), id: Number(match[2]) } : null;
}

export class RequestLogQueryError extends Error {
  override name = 'RequestLogQueryError';
}

/**
 * The request log. `record` only queues (the proxy never waits on the disk); a timer commits the
 * queue in transactions of at most `maxBatch` requests, yielding to the event loop between them.
 * A record is durable once the transaction holding it commits: that is what `flush` returns.
 * So a crash loses at most the rows recorded in the last `flushIntervalMs` (one batch); quota
 * counts do not depend on the log (the limiter journals its own, see limiterSnapshot.ts).
 * When writing falls behind by `maxPending` requests, new records are dropped and counted, and
 * the log says how many once a minute.
 */
export class RequestLog {
  readonly #db: DatabaseSync;
  readonly #settings: () => LogSettings;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #flushIntervalMs: number;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #onRecord: RequestLogOptions['onRecord'];
  readonly #rollups: RollupWriter;
  readonly #insertRequest: StatementSync;
  readonly #insertAttempt: StatementSync;
  readonly #insertBody: StatementSync;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #pruneTimer: NodeJS.Timeout | undefined;
  #pruning: Promise<number> | undefined;
  #written = 0;
  #dropped = 0;
  #droppedReported = 0;
  #lastDropReport = 0;
  #closed = false;

  constructor(options: RequestLogOptions) {
    this.#db = options.db;
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => undefined);
    this.#flushIntervalMs = options.flushIntervalMs ?? 250;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxPending = options.maxPending ?? 50_000;
    this.#onRecord = options.onRecord;
    this.#rollups = new RollupWriter(this.#db);
    this.#insertRequest = this.#db.prepare(
      `INSERT OR IGNORE INTO requests (request_id, started_at, kind, inbound, requested_model, route, provider, key_id, model,
         status, failure_class, error, headers_ms, first_token_ms, total_ms, tokens_in, tokens_out, cost,
         streamed, hedged, client_aborted, attempts, rule, affinity)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertAttempt = this.#db.prepare(
      `INSERT OR REPLACE INTO attempts (request, idx, started_at, provider, model, key_id, status, outcome, failure_class,
         reason, headers_ms, first_token_ms, total_ms, tokens_in, tokens_out, cost, hedged, hold_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertBody = this.#db.prepare(
      'INSERT OR REPLACE INTO bodies (request, request_body, response_body) VALUES (?, ?, ?)',
    );
    const pruneIntervalMs = options.pruneIntervalMs ?? 10 * MINUTE;
    if (pruneIntervalMs > 0) {
      const prune = () =>
        void this.prune().catch((err: unknown) =>
          this.#log(`request log: retention failed: ${(err as Error).message}`),
        );
      this.#pruneTimer = setInterval(prune, pruneIntervalMs);
      this.#pruneTimer.unref();
      setTimeout(prune, 5_000).unref();
    }
  }

  /** Queues a finished request. Never blocks; false when it was dropped because the log is behind. */
  record(request: RequestRecord, attempts: AttemptRecord[]): boolean {
    if (this.#closed) return false;
    if (this.#pending.length >= this.#maxPending) {
      this.#dropped++;
      this.#reportDrops();
      return false;
    }
    this.#pending.push({ request, attempts });
    if (this.#onRecord) {
      const { requestBody: _req, responseBody: _res, ...rest } = request;
      this.#onRecord({ ...rest, attempts: attempts.length }, attempts);
    }
    if (this.#pending.length >= this.#maxBatch) this.#scheduleChunk();
    else this.#timer ??= setTimeout(() => this.#tick(), this.#flushIntervalMs).unref();
    return true;
  }

  /** Commits everything queued now, synchronously; returns how many requests were committed. */
  flush(): number {
    let committed = 0;
    while (this.#pending.length > 0) committed += this.#writeChunk();
    return committed;
  }

  stats(): RequestLogStats {
    return { pending: this.#pending.length, written: this.#written, dropped: this.#dropped };
  }

  /**
   * One page of the log, newest first, filtered. Like every query it first commits what is
   * queued, so a request the dashboard just saw finish is listed. Throws RequestLogQueryError
   * for a bad cursor.
   */
  list(query: RequestLogQuery): RequestLogPage {
    this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.route !== undefined) {
      where.push('route = ?');
      params.push(query.route);
    }
    if (query.provider !== undefined) {
      where.push('provider = ?');
      params.push(query.provider);
    }
    if (query.status === 'ok') where.push('status BETWEEN 200 AND 299');
    else if (query.status === 'error') where.push('(status < 200 OR status > 299)');
    else if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.from !== undefined) {
      where.push('started_at >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('started_at < ?');
      params.push(query.to);
    }
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw new RequestLogQueryError('cursor: not a cursor this log gave out');
      where.push('(started_at < ? OR (started_at = ? AND id < ?))');
      params.push(cursor.startedAt, cursor.startedAt, cursor.id);
    }
    const rows = this.#db
      .prepare(
        `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, query.limit + 1) as RequestRow[];
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      ...(more && last ? { nextCursor: encodeCursor(last.started_at, last.id) } : {}),
      droppedRows: this.#dropped,
    };
  }

  /** One request with its attempts (and bodies, when they were logged), or undefined. */
  get(id: string): RequestDetail | undefined {
    this.flush();
    const row = this.#db.prepare('SELECT * FROM requests WHERE request_id = ?').get(id) as
      RequestRow | undefined;
    if (!row) return undefined;
    const attempts = this.#db
      .prepare('SELECT * FROM attempts WHERE request = ? ORDER BY idx')
      .all(row.id) as AttemptRow[];
    const body = this.#db
      .prepare('SELECT request_body, response_body FROM bodies WHERE request = ?')
      .get(row.id) as { request_body: string | null; response_body: string | null } | undefined;
    const { attempts: _count, ...request } = toItem(row);
    return {
      request: {
        ...request,
        ...(body?.request_body != null ? { requestBody: body.request_body } : {}),
        ...(body?.response_body != null ? { responseBody: body.response_body } : {}),
      },
      attempts: attempts.map(toAttempt),
    };
  }

  metrics(query: MetricsQuery): MetricsResponse {
    this.flush();
    return queryMetrics(this.#db, query, this.#now());
  }

  /**
   * Applies retention: rows older than retentionDays, then the oldest rows until the database
   * fits in retentionMaxMb. Deletes in chunks, yielding between them. Resolves with rows deleted.
   */
  prune(): Promise<number> {
    this.#pruning ??= this.#prune().finally(() => (this.#pruning = undefined));
    return this.#pruning;
  }

  /**
   * Commits what is queued, stops the timers and waits for a running prune to stop. The database
   * stays open (its owner closes it).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    clearInterval(this.#pruneTimer);
    this.#reportDrops(true);
    await this.#pruning?.catch(() => 0);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#pending.length > 0) this.#scheduleChunk();
  }

  #scheduleChunk(): void {
    this.#immediate ??= setImmediate(() => {
      this.#immediate = undefined;
      if (this.#closed) return;
      this.#writeChunk();
      if (this.#pending.length >= this.#maxBatch) this.#scheduleChunk();
      else if (this.#pending.length > 0)
        this.#timer ??= setTimeout(() => this.#tick(), this.#flushIntervalMs).unref();
    });
  }

  #writeChunk(): number {
    const chunk = this.#pending.splice(0, this.#maxBatch);
    if (chunk.length === 0) return 0;
    const settings = this.#settings();
    try {
      this.#db.exec('BEGIN');
      for (const { request, attempts } of chunk) {
        const result = this.#insertRequest.run(
          request.id,
          request.startedAt,
          request.kind,
          request.inboundFormat,
          request.requestedModel,
          request.route,
          request.provider,
          request.keyId,
          request.model,
          request.status,
          request.failureClass,
          request.error,
          request.headersMs,
          request.firstTokenMs,
          request.totalMs,
          request.tokensIn,
          request.tokensOut,
          request.costUsd,
          request.streamed ? 1 : 0,
          request.hedged ? 1 : 0,
          request.clientAborted ? 1 : 0,
          // Candidates the plan skipped are logged with their reason but were never tried.
          attempts.filter((a) => a.outcome !== 'skipped').length,
          request.rule ?? null,
          request.affinity ?? null,
        );
        if (result.changes === 0) continue;
        const rowId = Number(result.lastInsertRowid);
        for (const a of attempts) {
          this.#insertAttempt.run(
            rowId,
            a.index,
            a.startedAt,
            a.provider,
            a.model,
            a.keyId,
            a.status,
            a.outcome,
            a.failureClass,
            a.reason,
            a.headersMs,
            a.firstTokenMs,
            a.totalMs,
            a.tokensIn,
            a.tokensOut,
            a.costUsd,
            a.hedged ? 1 : 0,
            a.holdUntil,
          );
        }
        if (
          settings.logBodies &&
          (request.requestBody !== undefined || request.responseBody !== undefined)
        ) {
          this.#insertBody.run(
            rowId,
            // Redacted by the engine's recorder before they got here (store/bodyRedaction.ts).
            request.requestBody ?? null,
            request.responseBody ?? null,
          );
        }
      }
      this.#rollups.write(
        chunk.map(({ request, attempts }) => ({ attempts, streamed: request.streamed })),
      );
      this.#db.exec('COMMIT');
      this.#written += chunk.length;
      return chunk.length;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      this.#rollups.reset();
      this.#dropped += chunk.length;
      this.#log(
        `request log: could not write ${chunk.length} request${chunk.length === 1 ? '' : 's'} (${(err as Error).message}); they are lost, the proxy is not affected.`,
      );
      return 0;
    }
  }

  #reportDrops(force = false): void {
    const now = this.#now();
    const fresh = this.#dropped - this.#droppedReported;
    if (fresh === 0 || (!force && now - this.#lastDropReport < DROP_REPORT_MS)) return;
    this.#lastDropReport = now;
    this.#droppedReported = this.#dropped;
    this.#log(
      `request log: dropped ${fresh} request${fresh === 1 ? '' : 's'} (${this.#dropped} since start) because writing fell behind the traffic; requests themselves were not slowed.`,
    );
  }

  async #prune(): Promise<number> {
    const settings = this.#settings();
    const now = this.#now();
    const cutoff = now - settings.retentionDays * 86_400_000;
    let deleted = 0;
    if (this.#closed) return 0;
    deleted += await this.#deleteWhile(() =>
      this.#db
        .prepare('SELECT id FROM requests WHERE started_at < ? ORDER BY started_at LIMIT ?')
        .all(cutoff, PRUNE_CHUNK)
        .map((r) => (r as { id: number }).id),
    );
    if (this.#closed) return deleted;
    this.#db
      .prepare('DELETE FROM rollups WHERE res = ? AND bucket < ?')
      .run(MINUTE, now - MINUTE_ROWS_KEEP_MS);
    this.#db.prepare('DELETE FROM rollups WHERE res = ? AND bucket < ?').run(QUARTER_HOUR, cutoff);
    this.#rollups.reset();
    const maxBytes = settings.retentionMaxMb * MB;
    if (this.#closed) return 0;
    deleted += await this.#deleteWhile(() => {
      if (this.#usedBytes() <= maxBytes) return [];
      const total = (this.#db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number })
        .n;
      const take = Math.min(PRUNE_CHUNK, Math.max(100, Math.ceil(total / 20)));
      return this.#db
        .prepare('SELECT id FROM requests ORDER BY started_at LIMIT ?')
        .all(take)
        .map((r) => (r as { id: number }).id);
    });
    if (deleted > 0 && !this.#closed) {
      this.#db.exec('PRAGMA incremental_vacuum');
      this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    }
    return deleted;
  }

  async #deleteWhile(next: () => number[]): Promise<number> {
    let deleted = 0;
    for (;;) {
      if (this.#closed) return deleted;
      const ids = next();
      if (ids.length === 0) return deleted;
      const list = ids.join(',');
      this.#db.exec('BEGIN');
      try {
        this.#db.exec(`DELETE FROM attempts WHERE request IN (${list})`);
        this.#db.exec(`DELETE FROM bodies WHERE request IN (${list})`);
        this.#db.exec(`DELETE FROM requests WHERE id IN (${list})`);
        this.#db.exec('COMMIT');
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      }
      deleted += ids.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
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
