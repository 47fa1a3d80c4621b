const REPORT_EVERY_MS = 60_000;

/**
 * Counts request-log records that were dropped (writing fell behind, or a write failed) and says
 * so in the engine log at most once a minute, and once more when the log closes.
 */
export class DropCounter {
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  #count = 0;
  #reported = 0;
  #lastReport = 0;

  constructor(now: () => number, log: (message: string) => void) {
    this.#now = now;
    this.#log = log;
  }

  get count(): number {
    return this.#count;
  }

  add(n = 1): void {
    this.#count += n;
  }

  /** Logs what was dropped since the last report, unless one was made within the minute. */
  report(force = false): void {
    const now = this.#now();
    const fresh = this.#count - this.#reported;
    if (fresh === 0 || (!force && now - this.#lastReport < REPORT_EVERY_MS)) return;
    this.#lastReport = now;
    this.#reported = this.#count;
    this.#log(
      `request log: dropped ${fresh} request${fresh === 1 ? '' : 's'} (${this.#count} since start) because writing fell behind the traffic; requests themselves were not slowed.`,
    );
  }
}
