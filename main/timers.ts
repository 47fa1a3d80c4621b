/** setTimeout and clearTimeout, injected so tests (and the simulations) drive delays without waiting. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers for background work (idle stops, quiet releases): they never keep the process alive. */
export const BACKGROUND_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
