import type { DatabaseSync } from 'node:sqlite';
import type { MetricsQuery, RequestLogQuery } from '../../app/admin/contract.ts';
import type {
  AttemptRecord,
  LiveTraffic,
  MetricsResponse,
  RequestDetail,
  RequestLogPage,
  RequestRecord,
} from '../../app/admin/types.ts';
import { queryLiveTraffic } from './liveTraffic.ts';
import type { LogBatch } from './logBatch.ts';
import { queryMetrics } from './metricsQueries.ts';
import { getRequest, listRequests } from './requestLogQueries.ts';
import {
  type LogSettings,
  type RequestLogCommonOptions,
  RequestLogWriter,
  type RequestLogStats,
} from './requestLogWriter.ts';
import { Retention } from './retention.ts';
import { MINUTE } from './rollups.ts';

export type { LogSettings, RequestLogStats };

export type RequestLogOptions = RequestLogCommonOptions & {
  db: DatabaseSync;
  /** Between retention's steps (retention.ts); by default it checkpoints the WAL itself. */
  betweenRetentionSteps?: () => Promise<void>;
};

/**
 * The request log: the writer (requestLogWriter.ts), the queries (requestLogQueries.ts,
 * metricsQueries.ts) and retention (retention.ts) over one connection. A crash loses at most
 * the rows recorded in the last `flushIntervalMs` (one batch); quota counts do not depend on the
 * log (the limiter journals its own, see limiterSnapshot.ts).
 */
export class RequestLog {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #writer: RequestLogWriter;
  readonly #retention: Retention;
  readonly #pruneTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RequestLogOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
    const log = options.log ?? (() => undefined);
    this.#writer = new RequestLogWriter({
      db: options.db,
      settings: options.settings,
      now: this.#now,
      log,
      flushIntervalMs: options.flushIntervalMs ?? 250,
      maxBatch: options.maxBatch ?? 500,
      maxPending: options.maxPending ?? 50_000,
    });
    this.#retention = new Retention({
      db: options.db,
      settings: options.settings,
      now: this.#now,
      onRollupsPruned: () => this.#writer.rollups.reset(),
      ...(options.betweenRetentionSteps ? { betweenSteps: options.betweenRetentionSteps } : {}),
    });
    // Often, in small steps: the file stays near its cap instead of overshooting between passes.
    const pruneIntervalMs = options.pruneIntervalMs ?? MINUTE / 2;
    if (pruneIntervalMs > 0) {
      const prune = () =>
        void this.prune().catch((err: unknown) =>
          log(`request log: retention failed: ${(err as Error).message}`),
        );
      this.#pruneTimer = setInterval(prune, pruneIntervalMs);
      this.#pruneTimer.unref();
      setTimeout(prune, 5_000).unref();
    }
  }

  /** Queues a finished request. Never blocks; false when it was dropped because the log is behind. */
  record(request: RequestRecord, attempts: AttemptRecord[]): boolean {
    return this.#writer.record(request, attempts);
  }

  /** Commits everything queued now, synchronously; returns how many requests were committed. */
  flush(): number {
    return this.#writer.flush();
  }

  /** Commits a batch the proxy's thread encoded (logBatch.ts) now; returns how many were committed. */
  writeBatch(batch: LogBatch): number {
    return this.#writer.writeBatch(batch);
  }

  stats(): RequestLogStats {
    return this.#writer.stats();
  }

  /**
   * One page of the log, newest first, filtered. Like every query it first commits what is
   * queued, so a request the dashboard just saw finish is listed. Throws RequestLogQueryError
   * for a bad cursor.
   */
  list(query: RequestLogQuery): RequestLogPage {
    this.flush();
    return listRequests(this.#db, query, this.#writer.stats().dropped);
  }

  /** One request with its attempts (and bodies, when they were logged), or undefined. */
  get(id: string): RequestDetail | undefined {
    this.flush();
    return getRequest(this.#db, id);
  }

  metrics(query: MetricsQuery): MetricsResponse {
    this.flush();
    return queryMetrics(this.#db, query, this.#now());
  }

  liveTraffic(): LiveTraffic {
    this.flush();
    return queryLiveTraffic(this.#db, this.#now());
  }

  /** Applies retention now (see retention.ts). Resolves with the requests deleted. */
  prune(): Promise<number> {
    if (this.#closed) return Promise.resolve(0);
    return this.#retention.run();
  }

  /**
   * Commits what is queued, stops the timers and waits for a running prune to stop. The database
   * stays open (its owner closes it).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.close();
    clearInterval(this.#pruneTimer);
    await this.#retention.stop();
  }
}
