import type { Worker } from 'node:worker_threads';
import { BACKGROUND_TIMERS, type Timers } from '../timers.ts';

export type OnDemandThreadOptions = {
  /** Starts the thread (the first `acquire`, and the first after a stop). */
  start: () => Worker;
  /** Ends a thread that went idle: nothing is held, so it has nothing left to do. */
  stop: (worker: Worker) => void;
  /** How long the thread stays once nothing holds it. */
  idleMs: number;
  timers?: Timers;
};

/**
 * A worker thread that runs only while it has work: each piece of work holds it (`acquire` starts
 * it if need be) until its answer comes (`release`), and once nothing has held it for `idleMs` it
 * is stopped, to start again with the next. An idle engine does not keep a thread's memory (its
 * V8 heap, code and SQLite's page cache: 10 to 20 MB each) for work that may not come.
 */
export class OnDemandThread {
  readonly #options: OnDemandThreadOptions;
  readonly #timers: Timers;
  #worker: Worker | undefined;
  #held = 0;
  #idle: unknown;
  /** Threads stopped on purpose, whose exit is no failure. */
  readonly #retired = new WeakSet<Worker>();

  constructor(options: OnDemandThreadOptions) {
    this.#options = options;
    this.#timers = options.timers ?? BACKGROUND_TIMERS;
  }

  /** The running thread, if any, without starting one. */
  get current(): Worker | undefined {
    return this.#worker;
  }

  /** The thread, started if need be, held until the matching `release`. */
  acquire(): Worker {
    this.#clearIdle();
    this.#worker ??= this.#options.start();
    this.#held++;
    return this.#worker;
  }

  /** One piece of work is done; the last starts the idle delay. */
  release(): void {
    if (this.#held === 0 || --this.#held > 0 || this.#worker === undefined) return;
    this.#idle = this.#timers.setTimeout(() => this.#stopIdle(), this.#options.idleMs);
  }

  /** Whether this thread's exit was a stop on purpose (idle, or `detach`). */
  retired(worker: Worker): boolean {
    return this.#retired.has(worker);
  }

  /**
   * Hands the running thread over for closing and forgets it (a later `acquire` starts another);
   * undefined when none runs.
   */
  detach(): Worker | undefined {
    this.#clearIdle();
    const worker = this.#worker;
    this.#worker = undefined;
    this.#held = 0;
    if (worker !== undefined) this.#retired.add(worker);
    return worker;
  }

  #stopIdle(): void {
    this.#idle = undefined;
    if (this.#held > 0) return;
    const worker = this.detach();
    if (worker !== undefined) this.#options.stop(worker);
  }

  #clearIdle(): void {
    if (this.#idle === undefined) return;
    this.#timers.clearTimeout(this.#idle);
    this.#idle = undefined;
  }
}
