import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BACKGROUND_TIMERS, type Timers } from '../timers.ts';

export type QuietHeapReleaseOptions = {
  /** Gives the heap's spare memory back to the OS (`releaseHeap` by default). */
  release?: () => void;
  /** Quiet wanted after start-up's own work (the config's reload, the first model lists). */
  afterStartMs?: number;
  /** Quiet wanted after traffic: long enough that a person's next request rarely meets the pause. */
  afterTrafficMs?: number;
  /**
   * Returns the C allocator's free memory to the OS (mallocTrim.ts; nothing when not given): after
   * each release, and while requests come at most every `trimEveryMs`, since a steady load never
   * leaves the quiet a release waits for.
   */
  trim?: () => void;
  trimEveryMs?: number;
  timers?: Timers;
};

let collect: NodeJS.GCFunction | undefined;

/**
 * A full collection that shrinks the heap and returns its free pages: V8's own memory reducer
 * never runs on an engine gone idle, since it judges the allocation rate by the last collection,
 * which ran while busy ("high alloc" every 8 s, forever, with --trace-memory-reducer). What it
 * keeps: the young generation at its grown size (2 × 8 MB; 1 MB after this) and the old
 * generation's empty pages. Measured 1 s after ready: 116 -> 104 MB of RSS, 3 mark-compacts in
 * 20 to 70 ms. Node has no API for V8's low-memory notification; its `gc` does the same with
 * `flavor: 'last-resort'`, and is taken here from a context of its own rather than exposed to
 * every script by --expose-gc (the flag only shapes contexts made while it is on).
 */
export function releaseHeap(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as NodeJS.GCFunction;
    setFlagsFromString('--no-expose-gc');
  }
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * Releases the heap once the server has been quiet for a while (nothing in flight, nothing new):
 * after start-up and after each busy spell, never on an idle engine's timer (the next release
 * waits for traffic). What a request costs: a flag set as it starts, and one check when the
 * server has nothing left in flight. With `trim`, the C allocator's free memory also goes back
 * after each release and every `trimEveryMs` of traffic (a timer the next request after a trim
 * sets, so an idle engine has none).
 */
export class QuietHeapRelease {
  readonly #release: () => void;
  readonly #afterStartMs: number;
  readonly #afterTrafficMs: number;
  readonly #timers: Timers;
  readonly #trim: (() => void) | undefined;
  readonly #trimEveryMs: number;
  #timer: unknown;
  #trimTimer: unknown;
  #inFlight = false;
  /** A request came since the timer was set: the quiet starts again. */
  #stirred = false;

  constructor(options: QuietHeapReleaseOptions = {}) {
    this.#release = options.release ?? releaseHeap;
    this.#afterTrafficMs = options.afterTrafficMs ?? 10_000;
    this.#afterStartMs = options.afterStartMs ?? 500;
    this.#timers = options.timers ?? BACKGROUND_TIMERS;
    this.#trim = options.trim;
    this.#trimEveryMs = options.trimEveryMs ?? 5_000;
  }

  /** Start-up is over (the server listens): its garbage and grown young generation go once quiet. */
  ready(): void {
    this.stop();
    this.#timer = this.#timers.setTimeout(() => this.#fire(), this.#afterStartMs);
  }

  /** A request arrived. */
  started(): void {
    this.#inFlight = true;
    this.#stirred = true;
    if (this.#trim !== undefined && this.#trimTimer === undefined)
      this.#trimTimer = this.#timers.setTimeout(() => this.#trimNow(), this.#trimEveryMs);
  }

  /** The server has no request in flight. */
  settled(): void {
    this.#inFlight = false;
    if (this.#timer !== undefined) return;
    this.#stirred = false;
    this.#timer = this.#timers.setTimeout(() => this.#fire(), this.#afterTrafficMs);
  }

  /** Cancels a pending release (the engine stops). */
  stop(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    if (this.#trimTimer !== undefined) this.#timers.clearTimeout(this.#trimTimer);
    this.#timer = undefined;
    this.#trimTimer = undefined;
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#inFlight) return; // settled() sets it again
    if (this.#stirred) {
      this.#stirred = false;
      this.#timer = this.#timers.setTimeout(() => this.#fire(), this.#afterTrafficMs);
      return;
    }
    this.#release();
    this.#trim?.();
  }

  #trimNow(): void {
    this.#trimTimer = undefined;
    this.#trim?.();
  }
}
