/** Timers that only run when the test fires them, each known by its delay. */
export type ManualTimers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The delays of the timers set and not yet fired or cleared, in the order they were set. */
  delays(): number[];
  /** Fires the timer set with this delay (the first, if several); throws when there is none. */
  fire(ms: number): void;
};

export function manualTimers(): ManualTimers {
  const due = new Map<number, { ms: number; callback: () => void }>();
  let next = 1;
  return {
    setTimeout(callback, ms) {
      const handle = next++;
      due.set(handle, { ms, callback });
      return handle;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
    delays: () => [...due.values()].map((timer) => timer.ms),
    fire(ms) {
      const entry = [...due].find(([, timer]) => timer.ms === ms);
      if (entry === undefined) throw new Error(`no timer of ${ms} ms is set`);
      due.delete(entry[0]);
      entry[1].callback();
    },
  };
}
