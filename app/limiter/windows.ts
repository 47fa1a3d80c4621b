/**
 * The arithmetic of one window: how long until a take fits, the take itself, the correction once
 * usage is known, and the provider's word from its headers. Token buckets and counters are
 * app/ratelimit's; what is added here is the local log that keeps per-second to per-hour
 * windows safe against providers whose windows are fixed rather than refilling.
 */
import type { WindowObservation } from '../ratelimit/headers.ts';
import {
  applyCounterObservation,
  applyObservation,
  bucketWindowMs,
  correctCounter,
  bucketWait,
  correctTokens,
  counterTake,
  counterWait,
  createBucket,
  createCounter,
  refill,
  rollCounter,
  takeTokens,
  type ResetSchedule,
} from './tokenBucket.ts';
import type {
  BucketWindow,
  CounterWindow,
  LimitSource,
  LimitWindow,
  WindowState,
} from './state.ts';

/**
 * Slack added to a logged window's length. A provider counts a request when it arrives, a little
 * after it left here, and that delay varies; without slack a request sent exactly one window
 * after the first of a full window can arrive before the provider's window has turned.
 */
export const LOG_MARGIN_MS = 500;

/** Windows longer than this are not logged: a day of requests would be thousands of entries. */
const MAX_LOGGED_WINDOW_MS = 3_600_000;

/**
 * Slots of a logged window: the takes of one slot (a hundredth of the window) share one entry,
 * stamped with the latest of them, so a log holds about a hundred entries at any request rate.
 * Every take, correction and header reading copies the log: with an entry per take, a key at 150
 * requests a second carried 9,000 of them and each request cost more the busier the key was.
 * A slot's takes leave the log together when its latest would, at most a slot later than the
 * first of them: a wait it gives errs long, never short.
 */
const LOG_SLOTS = 100;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Plain-language names for messages and the dashboard. */
export const WINDOW_LABELS: Record<LimitWindow, string> = {
  rps: 'requests per second',
  rpm: 'requests per minute',
  rph: 'requests per hour',
  rpd: 'requests per day',
  tps: 'tokens per second',
  tpm: 'tokens per minute',
  itpm: 'input tokens per minute',
  otpm: 'output tokens per minute',
  tph: 'tokens per hour',
  tpd: 'tokens per day',
  tpmonth: 'tokens per month',
};

/** A window's limit: a bucket's capacity or a counter's limit. */
export function windowLimit(w: WindowState): number {
  return w.kind === 'counter' ? w.counter.limit : w.bucket.capacity;
}

/** The length of a window kept as a bucket; undefined for calendar windows (day, month). */
export function shortWindowMs(window: LimitWindow): number | undefined {
  return window === 'tph' ? HOUR_MS : bucketWindowMs(window);
}

/** How far back the log of a window of `windowMs` reaches. */
function logSpan(windowMs: number): number {
  return windowMs + Math.min(LOG_MARGIN_MS, windowMs * 0.05);
}

/** A full bucket window; logged when it is an hour or shorter. */
export function createBucketWindow(
  window: LimitWindow,
  limit: number,
  windowMs: number,
  limitSource: LimitSource,
  now: number,
): BucketWindow {
  const state: BucketWindow = {
    kind: 'bucket',
    window,
    windowMs,
    bucket: createBucket(limit, windowMs, now),
    limitSource,
  };
  if (windowMs <= MAX_LOGGED_WINDOW_MS) state.log = [];
  return state;
}

/** An empty counter for a daily or monthly quota. */
export function createCounterWindow(
  window: LimitWindow,
  limit: number,
  schedule: ResetSchedule,
  limitSource: LimitSource,
  now: number,
): CounterWindow {
  return { kind: 'counter', window, counter: createCounter(limit, schedule, now), limitSource };
}

/** A window of a day that refills continuously (Cerebras: "token bucket, continuous"). */
export function createRollingDayWindow(
  window: LimitWindow,
  limit: number,
  limitSource: LimitSource,
  now: number,
): BucketWindow {
  return createBucketWindow(window, limit, DAY_MS, limitSource, now);
}

/** The hold the provider's headers put on a bucket, if it has ended by `now`. */
function endedHold(w: BucketWindow, now: number): number | undefined {
  const until = w.bucket.heldUntil;
  return until !== undefined && now >= until ? until : undefined;
}

function heldAt(w: BucketWindow, now: number): boolean {
  return w.bucket.heldUntil !== undefined && now < w.bucket.heldUntil;
}

/** The slot of the window's log that a take at `at` is counted in. */
function slotOf(w: BucketWindow, at: number): number {
  return Math.floor((at * LOG_SLOTS) / w.windowMs);
}

/** Adds a take to a copied log: to the last entry when it is of the same slot. */
function logTake(w: BucketWindow, log: Array<[number, number]>, at: number, n: number): void {
  const last = log[log.length - 1];
  if (last !== undefined && slotOf(w, last[0]) === slotOf(w, at))
    log[log.length - 1] = [Math.max(last[0], at), last[1] + n];
  else log.push([at, n]);
}

/** The index of the entry that counts a take of `amount` made at `at`, or -1. */
function entryOf(
  w: BucketWindow,
  log: Array<[number, number]>,
  at: number,
  amount: number,
): number {
  const slot = slotOf(w, at);
  for (let i = log.length - 1; i >= 0; i--) {
    const [stamp, counted] = log[i] as [number, number];
    if (slotOf(w, stamp) === slot) return counted >= amount ? i : -1;
  }
  return -1;
}

/** The first log index still inside the window at `now`. */
function liveStart(w: BucketWindow, log: Array<[number, number]>, now: number): number {
  const from = Math.max(now - logSpan(w.windowMs), endedHold(w, now) ?? Number.NEGATIVE_INFINITY);
  let i = 0;
  while (i < log.length && (log[i] as [number, number])[0] <= from) i++;
  // Entries stamped before `from` by a clock that stepped back are kept: they are still owed.
  return i;
}

/** Ms until the log lets `n` more in (0: now), or Infinity when `n` exceeds the limit. */
function logWait(w: BucketWindow, n: number, now: number): number {
  const log = w.log;
  if (log === undefined) return 0;
  const capacity = w.bucket.capacity;
  if (n > capacity) return Number.POSITIVE_INFINITY;
  const start = liveStart(w, log, now);
  let used = 0;
  for (let i = start; i < log.length; i++) used += (log[i] as [number, number])[1];
  let excess = used + n - capacity;
  if (excess <= 0) return 0;
  const span = logSpan(w.windowMs);
  for (let i = start; i < log.length; i++) {
    const [at, amount] = log[i] as [number, number];
    excess -= amount;
    if (excess <= 0) return Math.max(1, Math.ceil(at + span - now));
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Ms until `n` units fit the window (0: they fit now; Infinity: they never fit, being more than
 * the limit). While the provider's reported figure holds, it alone decides; otherwise the
 * bucket and the log must both agree.
 */
export function windowWait(w: WindowState, n: number, now: number): number {
  if (w.kind === 'counter') return counterWait(w.counter, n, now);
  const wait = bucketWait(w.bucket, n, now);
  if (heldAt(w, now)) return wait;
  return Math.max(wait, logWait(w, n, now));
}

/** The window after taking `n` at `now`. Call only when {@link windowWait} said 0. */
export function takeWindow(w: WindowState, n: number, now: number): WindowState {
  // A take that does not fit (a caller that skipped the check) is still counted: it was sent.
  if (w.kind === 'counter') return { ...w, counter: counterTake(w.counter, n, now) };
  const bucket = takeTokens(w.bucket, n, now);
  if (w.log === undefined) return { ...w, bucket };
  const log = w.log.slice(liveStart(w, w.log, now));
  if (n > 0) logTake(w, log, now, n);
  return { ...w, bucket, log };
}

/** The window once a take of `estimated` at `at` is known to have cost `actual`. */
export function correctWindow(
  w: WindowState,
  at: number,
  estimated: number,
  actual: number,
): WindowState {
  if (estimated === actual || !Number.isFinite(actual) || actual < 0) return w;
  if (w.kind === 'counter') return { ...w, counter: correctCounter(w.counter, estimated, actual) };
  const bucket = correctTokens(w.bucket, estimated, actual);
  if (w.log === undefined) return { ...w, bucket };
  const index = entryOf(w, w.log, at, estimated);
  if (index === -1) return { ...w, bucket };
  const log = w.log.slice();
  const [stamp, counted] = log[index] as [number, number];
  const amount = counted - estimated + actual;
  if (amount === 0) log.splice(index, 1);
  else log[index] = [stamp, amount];
  return { ...w, bucket, log };
}

/**
 * The window corrected by a header observation: the provider's limit, remaining and reset
 * replace the local figures, less `pending` (taken here for requests still in flight).
 *
 * @param own the caller made `w` within its own call and no one else holds it (a window release
 *   just corrected): it is updated in place rather than copied once more
 */
export function observeWindow(
  w: WindowState,
  observation: WindowObservation,
  now: number,
  pending: number,
  own = false,
): WindowState {
  const limitSource = observation.limit === undefined ? w.limitSource : 'headers';
  if (w.kind === 'counter') {
    const counter = applyCounterObservation(w.counter, observation, now, pending);
    const next: CounterWindow = own ? w : { ...w };
    next.counter = counter;
    next.limitSource = limitSource;
    next.observedAt = now;
    return next;
  }
  // An earlier hold that has ended is forgotten by the bucket here: drop what it covered now.
  // Logs are never changed in place, so one with nothing to drop is shared as it is.
  const start = w.log === undefined ? 0 : liveStart(w, w.log, now);
  const next: BucketWindow = own ? w : { ...w };
  next.bucket = applyObservation(w.bucket, observation, now, pending);
  next.limitSource = limitSource;
  next.observedAt = now;
  if (start > 0) next.log = (w.log as Array<[number, number]>).slice(start);
  return next;
}

/** What a gauge draws for one window at `now`. */
export interface WindowReading {
  limit: number;
  remaining: number;
  /** When the window is full again; undefined when it is full now. */
  resetAt?: number;
  /** Whether the remaining figure is the provider's own, still current. */
  fromHeaders: boolean;
  /** Whether anything has been counted against the window. */
  counted: boolean;
}

/** Reads a window at `now` without changing it. */
export function readWindow(w: WindowState, now: number): WindowReading {
  if (w.kind === 'counter') {
    const counter = rollCounter(w.counter, now);
    const remaining = Math.max(0, counter.limit - counter.used);
    // Observed within the current period: a period is a day, or at most 31 for a monthly quota.
    const periodMs = counter.schedule.kind === 'monthly' ? 31 * DAY_MS : DAY_MS;
    const reading: WindowReading = {
      limit: counter.limit,
      remaining,
      fromHeaders: w.observedAt !== undefined && counter.resetAt - w.observedAt <= periodMs,
      counted: counter.used > 0,
    };
    if (remaining < counter.limit) reading.resetAt = counter.resetAt;
    return reading;
  }
  const bucket = refill(w.bucket, now);
  const capacity = bucket.capacity;
  const held = heldAt(w, now);
  let remaining = bucket.tokens;
  let resetAt: number | undefined;
  if (held) {
    resetAt = w.bucket.heldUntil;
  } else if (bucket.tokens < capacity && bucket.refillPerMs > 0) {
    resetAt = now + Math.ceil((capacity - bucket.tokens) / bucket.refillPerMs);
  }
  let counted = bucket.tokens < capacity;
  if (!held && w.log !== undefined) {
    const start = liveStart(w, w.log, now);
    let used = 0;
    for (let i = start; i < w.log.length; i++) used += (w.log[i] as [number, number])[1];
    if (used > 0) {
      counted = true;
      remaining = Math.min(remaining, capacity - used);
      const last = w.log[w.log.length - 1] as [number, number];
      resetAt = Math.max(resetAt ?? 0, Math.ceil(last[0] + logSpan(w.windowMs)));
    }
  }
  const reading: WindowReading = {
    limit: capacity,
    remaining: Math.max(0, Math.floor(remaining)),
    fromHeaders: held || (w.observedAt !== undefined && now - w.observedAt < w.windowMs),
    counted,
  };
  if (resetAt !== undefined) reading.resetAt = resetAt;
  return reading;
}
