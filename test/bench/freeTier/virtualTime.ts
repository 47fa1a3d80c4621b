// An event-driven clock for the free-tier simulation. Virtual time stands still while anything
// it tracks (an HTTP exchange with a mock provider) is in flight, and jumps to the next timer
// once the process is quiet. A simulated day then costs what its requests cost in CPU, and
// every duration (latencies, retry-after, window resets) is exact rather than distorted by the
// event loop, as it would be on a scaled wall clock at several hundred times real speed.

export interface VirtualTime {
  now: () => number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  sleep(ms: number): Promise<void>;
  /** Runs real I/O; virtual time does not move until it settles. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Fires timers in time order until none is left and nothing is in flight. */
  run(): Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A binary min-heap of timers by (time, order of scheduling). */
class TimerHeap {
  readonly #items: Timer[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(timer: Timer): void {
    const items = this.#items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Timer | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
    return top;
  }
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createVirtualTime(start: number): VirtualTime {
  let now = start;
  let seq = 0;
  let inFlight = 0;
  const heap = new TimerHeap();
  const idle: Array<() => void> = [];

  function setTimer(callback: () => void, ms: number): Timer {
    seq += 1;
    const timer: Timer = { at: now + Math.max(0, ms), seq, callback, cancelled: false };
    heap.push(timer);
    return timer;
  }

  /** Until every promise chain has run on and no tracked I/O is open. */
  async function quiet(): Promise<void> {
    for (;;) {
      await immediate();
      await immediate();
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => idle.push(resolve));
    }
  }

  return {
    now: () => now,
    setTimeout: (callback, ms) => setTimer(callback, ms),
    clearTimeout(handle) {
      (handle as Timer).cancelled = true;
    },
    sleep: (ms) => new Promise<void>((resolve) => void setTimer(resolve, ms)),
    async track(work) {
      inFlight += 1;
      try {
        return await work();
      } finally {
        inFlight -= 1;
        if (inFlight === 0) for (const wake of idle.splice(0)) wake();
      }
    },
    async run() {
      for (;;) {
        await quiet();
        const timer = heap.pop();
        if (timer === undefined) return;
        if (timer.cancelled) continue;
        now = Math.max(now, timer.at);
        timer.callback();
      }
    },
  };
}
