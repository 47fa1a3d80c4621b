import { Worker } from 'node:worker_threads';
import type { MetricsQuery, RequestLogQuery } from '../../app/admin/contract.ts';
import type {
  AttemptRecord,
  LiveTraffic,
  MetricsResponse,
  RequestDetail,
  RequestLogPage,
  RequestRecord,
} from '../../app/admin/types.ts';
import type { JournalEntry } from '../../app/limiter/journal.ts';
import type { LimiterSnapshot } from '../../app/limiter/snapshot.ts';
import { DropCounter } from './dropCounter.ts';
import { LogBatchEncoder, type LogBatch } from './logBatch.ts';
import { OnDemandThread } from './onDemandThread.ts';
import { BACKGROUND_TIMERS, type Timers } from '../timers.ts';
import type { FromWorker, LogCall, ToWorker, WorkerData } from './requestLogMessages.ts';
import { RequestLogQueryError } from './requestLogQueries.ts';
import { threadHeap } from './threadHeap.ts';
import {
  refusedWhenFull,
  type LogSettings,
  type RequestLogCommonOptions,
  type RequestLogStats,
} from './requestLogWriter.ts';
import type { ResponseSave, StoredResponse, StoredText } from './storedResponses.ts';

export type RequestLogThreadOptions = RequestLogCommonOptions & {
  /** The database file; the thread opens its own connection to it. */
  path: string;
  /** How long the query thread stays after its last answer (it starts on the next query). */
  queryThreadIdleMs?: number;
  /** How long the writing thread stays once everything sent to it is done (it starts on the next). */
  writerThreadIdleMs?: number;
  /** The idle delays' and retention's timers (tests drive them). */
  timers?: Timers;
};

type Waiter = { resolve: (value: unknown) => void; reject: (err: Error) => void };

/** Retention's first pass after the writing thread starts: soon, but not in the start's way. */
const FIRST_PRUNE_MS = 5_000;

/**
 * Each log thread's young generation, in MB (threadHeap.ts): 1 MB semi-spaces rather than the
 * proxy thread's 8. Under load the writer's young generation held 4 MB instead of 14 at 6 MB (its
 * old generation 11 instead of 5), at the same CPU. Since the writer decodes a batch a statement's
 * rows at a time (requestLogWriter.ts) little outlives a 1 MB semi-space: 3 against 6 MB, its heap
 * peaked at 9.5-9.8 against 11.5 MB after 200,000 requests, at 6.4 against 6.2 CPU µs per request
 * (medians of five interleaved `profileEngine.ts 5` pairs; its collector 10.6 against 7.3 % of its
 * profile).
 */
const LOG_YOUNG_MB = 3;

// From source (tests, `node main/…`) the thread is the .ts file beside this one; bundled, it is
// dist/main/requestLogWorker.js beside the CLI (main/build.mjs), which the Electron bundle's
// stand-in module URL (dist/main/electron.cjs) resolves to as well.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './requestLogWorker.ts' : './requestLogWorker.js',
  import.meta.url,
);

/**
 * The request log as the proxy's thread sees it: SQLite runs in a worker thread with its own
 * connection (requestLogWorker.ts), so neither a commit, a dashboard query nor a retention pass
 * ever holds the thread that serves requests. `record` queues; every `flushIntervalMs` (or at
 * `maxBatch`) the queue goes to the thread in one message and is committed there in one
 * transaction. Queries are answered in order after every record sent before them, so the
 * dashboard lists a request it just saw finish. A crash loses at most the records of the last
 * interval and those in flight to the thread; quota counts do not depend on the log. Neither
 * thread runs while idle (onDemandThread.ts): an engine nobody uses holds neither's memory.
 */
export class RequestLogThread {
  /** The writing thread, while there is something to write (or retain, or a call to answer). */
  readonly #writer: OnDemandThread;
  /** The query thread, while the dashboard asks: about 20 MB of memory that idle does not need. */
  readonly #reader: OnDemandThread;
  readonly #workerData: Omit<WorkerData, 'role'>;
  readonly #timers: Timers;
  readonly #pruneIntervalMs: number;
  #pruneTimer: unknown;
  readonly #exits: Promise<void>[] = [];
  readonly #settings: () => LogSettings;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #flushIntervalMs: number;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #calls = new Map<number, Waiter>();
  /** Records waiting for the next batch, already in the form it is posted in (logBatch.ts). */
  #pending = new LogBatchEncoder();
  /** Stored Responses answers for the next batch, and who waits for their commit. */
  #responses: ResponseSave[] = [];
  #responsesSaved: (() => void)[] = [];
  /** Per batch sent, in order: who waits for its commit (the thread acknowledges in order). */
  readonly #batchesSent: (() => void)[][] = [];
  #timer: NodeJS.Timeout | undefined;
  #nextId = 1;
  #inFlight = 0;
  #written = 0;
  readonly #drops: DropCounter;
  #failed: Error | undefined;
  #closed = false;

  constructor(options: RequestLogThreadOptions) {
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => undefined);
    this.#drops = new DropCounter(this.#now, this.#log);
    this.#flushIntervalMs = options.flushIntervalMs ?? 250;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxPending = options.maxPending ?? 50_000;
    this.#timers = options.timers ?? BACKGROUND_TIMERS;
    this.#pruneIntervalMs = options.pruneIntervalMs ?? 30_000;
    this.#workerData = { path: options.path, settings: this.#settings(), now: this.#now() };
    // Two threads on the same file: one writes (log, rollups, retention, the limiter's
    // snapshot), one answers the dashboard's queries (WAL: readers never wait for the writer), so
    // a write never queues behind a query. Each starts with the first message it is sent and
    // stops once idle; the writer has nothing in flight then, so a stop loses nothing.
    const stop = (worker: Worker) =>
      this.#ask(worker, { op: 'close' })
        .catch(() => undefined)
        .finally(() => void worker.terminate());
    this.#writer = new OnDemandThread({
      start: () => {
        // Rows may have aged past retention, or the settings changed, while no thread ran.
        this.#pruneIn(FIRST_PRUNE_MS);
        return this.#start('writer');
      },
      stop,
      idleMs: options.writerThreadIdleMs ?? 60_000,
      timers: this.#timers,
    });
    this.#reader = new OnDemandThread({
      start: () => this.#start('reader'),
      stop,
      idleMs: options.queryThreadIdleMs ?? 60_000,
      timers: this.#timers,
    });
  }

  /** Queues a finished request. Never blocks; false when it was dropped because the log is behind. */
  record(request: RequestRecord, attempts: AttemptRecord[]): boolean {
    if (this.#closed || this.#failed) return false;
    if (refusedWhenFull(this.#pending.rows + this.#inFlight, this.#maxPending, this.#drops))
      return false;
    this.#pending.add(request, attempts);
    this.#schedule();
    return true;
  }

  /**
   * Queues a Responses answer to keep (storedResponses.ts), written with the next batch of rows.
   * Resolves once it is committed, or once it is lost with a failed thread.
   */
  saveResponse(id: string, text: StoredText): Promise<void> {
    if (this.#closed || this.#failed) return Promise.resolve();
    this.#responses.push({
      id,
      response: text.response,
      conversation: text.conversation,
      at: this.#now(),
    });
    const saved = new Promise<void>((resolve) => this.#responsesSaved.push(resolve));
    this.#schedule();
    return saved;
  }

  /** A kept Responses answer, read in the reading thread; undefined when absent or expired. */
  getResponse(id: string): Promise<StoredResponse | undefined> {
    return this.#call(this.#reader, { op: 'response', id }) as Promise<StoredResponse | undefined>;
  }

  /** Deletes a kept Responses answer after every save queued before; false when there was none. */
  deleteResponse(id: string): Promise<boolean> {
    this.flush();
    return this.#call(this.#writer, { op: 'deleteResponse', id }) as Promise<boolean>;
  }

  /** Sends what is queued to the thread now; returns how many records it sent. */
  flush(): number {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const responses = this.#responses;
    if ((this.#pending.rows === 0 && responses.length === 0) || this.#failed) return 0;
    const batch = this.#pending.take();
    this.#responses = [];
    this.#batchesSent.push(this.#responsesSaved);
    this.#responsesSaved = [];
    this.#inFlight += batch.rows;
    // Held until the thread acknowledges the batch ('written').
    this.#post(this.#writer.acquire(), { kind: 'write', batch, responses }, [
      batch.numbers.buffer,
      batch.ids.buffer,
    ]);
    if (batch.rows > 0) this.#pruneIn(this.#pruneIntervalMs);
    return batch.rows;
  }

  stats(): RequestLogStats {
    return {
      pending: this.#pending.rows + this.#inFlight,
      written: this.#written,
      dropped: this.#drops.count,
    };
  }

  /** One page of the log (see requestLogQueries.ts); rejects with RequestLogQueryError for a bad cursor. */
  async list(query: RequestLogQuery): Promise<RequestLogPage> {
    const page = (await this.#query({ op: 'list', query })) as RequestLogPage;
    return { ...page, droppedRows: this.#drops.count };
  }

  /** One request with its attempts (and bodies, when they were logged), or undefined. */
  get(id: string): Promise<RequestDetail | undefined> {
    return this.#query({ op: 'get', id }) as Promise<RequestDetail | undefined>;
  }

  metrics(query: MetricsQuery): Promise<MetricsResponse> {
    return this.#query({ op: 'metrics', query }) as Promise<MetricsResponse>;
  }

  /** The Overview's live figures (liveTraffic.ts). */
  liveTraffic(): Promise<LiveTraffic> {
    return this.#query({ op: 'live' }) as Promise<LiveTraffic>;
  }

  /** One retention pass in the thread (retention.ts). Resolves with the requests deleted. */
  prune(): Promise<number> {
    if (this.#closed) return Promise.resolve(0);
    this.flush();
    const pass = this.#call(this.#writer, { op: 'prune' }) as Promise<number>;
    // This pass, after every write sent so far, stands for one that was due (or that the
    // thread's start just asked for): an idle engine is not woken again for nothing.
    this.#clearPrune();
    return pass;
  }

  /** Commits the limiter snapshot in the thread, with the journal segment it folded in (quotaJournalFile.ts). */
  saveSnapshot(snapshot: LimiterSnapshot, carried: JournalEntry[], folded: number): Promise<void> {
    return this.#call(this.#writer, { op: 'snapshot', snapshot, carried, folded }) as Promise<void>;
  }

  /** Whether the query thread runs now (it starts with a query, stops after an idle while). */
  get queryThreadRunning(): boolean {
    return this.#reader.current !== undefined;
  }

  /** Whether the writing thread runs now (it starts with a write or a call, stops after an idle while). */
  get writerThreadRunning(): boolean {
    return this.#writer.current !== undefined;
  }

  /** Writes what is queued, stops retention and the threads, and waits for them to end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#clearPrune();
    this.flush();
    const threads = [this.#writer.detach(), this.#reader.detach()].filter(
      (worker): worker is Worker => worker !== undefined,
    );
    try {
      await Promise.all(threads.map((worker) => this.#ask(worker, { op: 'close' })));
    } catch {
      // A thread that already failed has nothing left to write.
    }
    this.#closed = true;
    this.#drops.report(true);
    await Promise.all(threads.map((worker) => worker.terminate()));
    await Promise.all(this.#exits);
  }

  /**
   * Retention runs when there may be something to retain: after writes (at most once per
   * interval) and when the writing thread starts, never on a timer that wakes an idle engine.
   */
  #pruneIn(ms: number): void {
    if (this.#pruneIntervalMs <= 0 || this.#pruneTimer !== undefined || this.#closed) return;
    this.#pruneTimer = this.#timers.setTimeout(() => {
      this.#pruneTimer = undefined;
      this.prune().catch((err: unknown) =>
        this.#log(`request log: retention failed: ${(err as Error).message}`),
      );
    }, ms);
  }

  #clearPrune(): void {
    if (this.#pruneTimer === undefined) return;
    this.#timers.clearTimeout(this.#pruneTimer);
    this.#pruneTimer = undefined;
  }

  #schedule(): void {
    if (this.#pending.rows + this.#responses.length >= this.#maxBatch) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#flushIntervalMs).unref();
  }

  #start(role: 'writer' | 'reader'): Worker {
    const workerData: WorkerData = {
      ...this.#workerData,
      role,
      settings: this.#settings(),
      now: this.#now(),
    };
    const worker = new Worker(WORKER_URL, { workerData, resourceLimits: threadHeap(LOG_YOUNG_MB) });
    // The engine closes them; a forgotten one must not keep the process alive.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.#receive(message));
    worker.on('error', (err) => this.#fail(err));
    this.#exits.push(
      new Promise<void>((resolve) =>
        worker.once('exit', () => {
          if (!this.#writer.retired(worker) && !this.#reader.retired(worker))
            this.#fail(new Error('the request log thread stopped'), this.#closed);
          resolve();
        }),
      ),
    );
    return worker;
  }

  /**
   * A query goes to the reading thread once the writer has committed every record queued before
   * it, so the dashboard lists a request it just saw finish. A writer that is not running has
   * committed everything it was sent (it stops only then), so a query does not start it.
   */
  async #query(call: LogCall): Promise<unknown> {
    this.flush();
    if (this.#writer.current !== undefined) await this.#call(this.#writer, { op: 'sync' });
    return this.#call(this.#reader, call);
  }

  /** A call to one of the threads, started if need be and held until it answers. */
  #call(thread: OnDemandThread, call: LogCall): Promise<unknown> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#closed) return Promise.reject(new Error('the request log is closed'));
    const answer = this.#ask(thread.acquire(), call);
    void answer.then(
      () => thread.release(),
      () => thread.release(),
    );
    return answer;
  }

  /** Sends a call to this very thread (a stopping one's `close` too); resolves with its answer. */
  #ask(worker: Worker, call: LogCall): Promise<unknown> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    const answer = new Promise<unknown>((resolve, reject) =>
      this.#calls.set(id, { resolve, reject }),
    );
    this.#post(worker, { kind: 'call', id, call });
    return answer;
  }

  #post(
    worker: Worker,
    message:
      | { kind: 'write'; batch: LogBatch; responses: ResponseSave[] }
      | { kind: 'call'; id: number; call: LogCall },
    transfer: ArrayBuffer[] = [],
  ): void {
    const envelope: ToWorker = { ...message, settings: this.#settings(), now: this.#now() };
    worker.postMessage(envelope, transfer);
  }

  #receive(message: FromWorker): void {
    if (message.kind === 'written') {
      this.#inFlight -= message.count;
      this.#written += message.count - message.failed;
      this.#drops.add(message.failed);
      for (const saved of this.#batchesSent.shift() ?? []) saved();
      this.#writer.release();
    } else if (message.kind === 'log') this.#log(message.message);
    else {
      const waiter = this.#calls.get(message.id);
      this.#calls.delete(message.id);
      if (!waiter) return;
      if (message.ok) waiter.resolve(message.value);
      else
        waiter.reject(
          message.name === 'RequestLogQueryError'
            ? new RequestLogQueryError(message.message)
            : new Error(message.message),
        );
    }
  }

  /** The thread died: what it had not written is lost and counted, and later calls fail at once. */
  #fail(err: Error, quiet = false): void {
    if (this.#failed) return;
    this.#failed = err;
    this.#drops.add(this.#inFlight + this.#pending.rows);
    this.#inFlight = 0;
    this.#pending.take();
    for (const saved of [...this.#batchesSent.flat(), ...this.#responsesSaved]) saved();
    this.#batchesSent.length = 0;
    this.#responses = [];
    this.#responsesSaved = [];
    for (const waiter of this.#calls.values()) waiter.reject(err);
    this.#calls.clear();
    if (!quiet)
      this.#log(
        `request log: its thread failed (${err.message}); requests are no longer logged until Switchyard restarts, the proxy is not affected.`,
      );
  }
}
