/**
 * The arithmetic the limiter runs on: continuous token buckets for per-second, per-minute and
 * per-hour windows, fixed-window counters for daily and monthly quotas, and the token estimate a
 * request is charged before its usage is known. Every function is pure: states in, states out.
 *
 * Headers are the provider's truth. An observation overrides the local count and, where it names
 * a reset, holds the bucket at the provider's figure until then; local counting only fills the
 * gaps between observations.
 */
import type { RateWindow, WindowObservation } from '../ratelimit/headers.ts';
import { nextReset } from '../ratelimit/resetTime.ts';

const BUCKET_WINDOW_MS: Partial<Record<RateWindow, number>> = {
  rps: 1000,
  tps: 1000,
  rpm: 60_000,
  tpm: 60_000,
  itpm: 60_000,
  otpm: 60_000,
  rph: 3_600_000,
};

/**
 * The length of a window the limiter models as a token bucket, in ms; undefined for the daily
 * and monthly windows (rpd, tpd, tpmonth), which reset at a wall-clock time and are counters.
 */
export function bucketWindowMs(window: RateWindow): number | undefined {
  return BUCKET_WINDOW_MS[window];
}

/** A token bucket. `tokens` may be negative: usage that came in above its estimate is a debt. */
export interface BucketState {
  capacity: number;
  tokens: number;
  /** Tokens regained per ms; capacity / window length for a per-window limit. */
  refillPerMs: number;
  /** Epoch ms up to which `tokens` is accounted. */
  updatedAt: number;
  /**
   * Epoch ms before which the bucket does not refill, and at which it is full again: set from a
   * provider's "remaining N, resets at T", so local refill cannot run ahead of the provider.
   */
  heldUntil?: number;
}

/** The outcome of asking a bucket or counter for `n`. */
export interface TakeResult<S> {
  ok: boolean;
  /** The state after the take (after refill only, when `ok` is false). */
  state: S;
  /** 0 when ok; else ms until `n` would fit, or Infinity when it never fits (n > capacity). */
  waitMs: number;
}

/** A full bucket for `capacity` units per `windowMs` (e.g. 30 requests per 60 000 ms). */
export function createBucket(capacity: number, windowMs: number, now: number): BucketState {
  return {
    capacity,
    tokens: capacity,
    refillPerMs: windowMs > 0 ? capacity / windowMs : 0,
    updatedAt: now,
  };
}

/**
 * The bucket brought forward to `now`: the state itself when nothing moved, else a new object.
 * Time running backwards (clock steps) refills nothing.
 */
export function refill(state: BucketState, now: number): BucketState {
  if (state.heldUntil !== undefined) {
    if (now < state.heldUntil) return { ...state, updatedAt: Math.max(state.updatedAt, now) };
    const { heldUntil, ...rest } = state;
    // The provider said the window is full at heldUntil; refill continues from there.
    return refill({ ...rest, tokens: state.capacity, updatedAt: heldUntil }, now);
  }
  const elapsed = now - state.updatedAt;
  if (!(elapsed > 0)) return state;
  if (state.tokens >= state.capacity) return { ...state, updatedAt: now };
  const tokens = Math.min(state.capacity, state.tokens + elapsed * state.refillPerMs);
  return { ...state, tokens, updatedAt: now };
}

/**
 * Takes `n` units if the bucket holds them at `now`.
 *
 * @returns `ok` with the reduced state, or not `ok` with the refilled state and the wait until
 *   `n` would be available (Infinity when `n` exceeds the capacity or the bucket never refills)
 */
export function tryTake(state: BucketState, n: number, now: number): TakeResult<BucketState> {
  const current = refill(state, now);
  if (current.tokens >= n) {
    return { ok: true, state: { ...current, tokens: current.tokens - n }, waitMs: 0 };
  }
  return { ok: false, state: current, waitMs: bucketWait(current, n, now) };
}

/** The tokens {@link refill} would give the bucket at `now`, without building its state. */
function tokensAt(state: BucketState, now: number): number {
  if (state.heldUntil !== undefined) return now < state.heldUntil ? state.tokens : state.capacity;
  const elapsed = now - state.updatedAt;
  if (!(elapsed > 0) || state.tokens >= state.capacity) return state.tokens;
  return Math.min(state.capacity, state.tokens + elapsed * state.refillPerMs);
}

/**
 * Ms until `n` units fit the bucket (0: now), or Infinity when they never fit: the wait
 * {@link tryTake} gives, computed without building a state (the admission check runs it for
 * every window of every candidate).
 */
export function bucketWait(state: BucketState, n: number, now: number): number {
  const tokens = tokensAt(state, now);
  if (tokens >= n) return 0;
  if (n > state.capacity) return Number.POSITIVE_INFINITY;
  if (state.heldUntil !== undefined && now < state.heldUntil) {
    // At heldUntil the bucket is full, and n fits in a full bucket.
    return state.heldUntil - now;
  }
  if (!(state.refillPerMs > 0)) return Number.POSITIVE_INFINITY;
  return Math.ceil((n - tokens) / state.refillPerMs);
}

/**
 * The bucket after `n` units are taken at `now`, whether or not they fitted (a request sent is
 * counted): a debt shows as negative tokens.
 */
export function takeTokens(state: BucketState, n: number, now: number): BucketState {
  const current = refill(state, now);
  if (current === state) return { ...state, tokens: state.tokens - n };
  // refill made this object for this call alone: no one else holds it.
  current.tokens -= n;
  return current;
}

/**
 * Corrects a bucket by what the provider's headers said about its window.
 *
 * - `limit` replaces the capacity; the refill rate scales with it, keeping the window length.
 * - `remaining` replaces the local count, less `pending`: what this side has taken for requests
 *   still in flight, which the provider's figure cannot include yet.
 * - `resetAt` with `remaining` below the capacity holds the bucket at that figure until the reset,
 *   where it is full again. Without `resetAt` the bucket refills at its own rate from `now`.
 * Fields the observation lacks keep their local values.
 */
export function applyObservation(
  state: BucketState,
  observation: Pick<WindowObservation, 'limit' | 'remaining' | 'resetAt'>,
  now: number,
  pending = 0,
): BucketState {
  const { limit, remaining, resetAt } = observation;
  // Refilling changes neither the capacity nor the rate, so these are read from the state as is.
  let { capacity, refillPerMs } = state;
  const limited = limit !== undefined && Number.isFinite(limit) && limit >= 0;
  if (limited) {
    refillPerMs = capacity > 0 ? refillPerMs * (limit / capacity) : refillPerMs;
    capacity = limit;
  }
  if (remaining === undefined || !Number.isFinite(remaining)) {
    const current = refill(state, now);
    if (!limited) return current;
    return { ...current, capacity, tokens: Math.min(current.tokens, capacity), refillPerMs };
  }
  // The provider's figure replaces the count, and any earlier hold: one object, built here.
  const next: BucketState = {
    capacity,
    tokens: Math.min(remaining, capacity) - Math.max(0, pending),
    refillPerMs,
    updatedAt: now,
  };
  if (resetAt !== undefined && resetAt > now && remaining < capacity) next.heldUntil = resetAt;
  return next;
}

/** Charges or refunds the difference once a request's real token usage is known. */
export function correctTokens(state: BucketState, estimated: number, actual: number): BucketState {
  if (!Number.isFinite(estimated) || !Number.isFinite(actual)) return state;
  return { ...state, tokens: Math.min(state.capacity, state.tokens + estimated - actual) };
}

/**
 * The tokens a request is charged before its usage is known: prompt characters / 4 (the usual
 * English rule of thumb for BPE tokenizers), rounded up, plus `max_tokens` because providers
 * such as OpenAI and Cerebras count the requested output against the limit up front. Without
 * `max_tokens` only the prompt is counted; the correction after the response settles the rest.
 */
export function estimateTokens(promptChars: number, maxTokens?: number): number {
  const prompt = Number.isFinite(promptChars) && promptChars > 0 ? Math.ceil(promptChars / 4) : 0;
  const output =
    maxTokens !== undefined && Number.isFinite(maxTokens) && maxTokens > 0
      ? Math.ceil(maxTokens)
      : 0;
  return prompt + output;
}

/** When a fixed window resets: daily or monthly at a local time in a zone. */
export interface ResetSchedule {
  time: string;
  timeZone: string;
  kind: 'daily' | 'monthly';
}

/** A fixed-window counter: `used` of `limit` until `resetAt`, then zero again. */
export interface WindowCounter {
  limit: number;
  used: number;
  /** Epoch ms of the next reset. */
  resetAt: number;
  schedule: ResetSchedule;
}

/** An empty counter whose window ends at the schedule's next reset after `now`. */
export function createCounter(limit: number, schedule: ResetSchedule, now: number): WindowCounter {
  return {
    limit,
    used: 0,
    resetAt: nextReset(now, schedule.time, schedule.timeZone, schedule.kind),
    schedule,
  };
}

/** The counter at `now`: emptied with a new reset time once its window has ended. */
export function rollCounter(counter: WindowCounter, now: number): WindowCounter {
  if (now < counter.resetAt) return counter;
  const { time, timeZone, kind } = counter.schedule;
  return { ...counter, used: 0, resetAt: nextReset(now, time, timeZone, kind) };
}

/** Counts `n` against the window if it fits; else says how long until the window resets. */
export function counterTryTake(
  counter: WindowCounter,
  n: number,
  now: number,
): TakeResult<WindowCounter> {
  const current = rollCounter(counter, now);
  const waitMs = counterWait(current, n, now);
  if (waitMs === 0) return { ok: true, state: { ...current, used: current.used + n }, waitMs };
  return { ok: false, state: current, waitMs };
}

/**
 * Ms until `n` fits the window (0: now), or Infinity when it never fits: the wait
 * {@link counterTryTake} gives, without building a state while the window runs.
 */
export function counterWait(counter: WindowCounter, n: number, now: number): number {
  const current = rollCounter(counter, now);
  if (current.used + n <= current.limit) return 0;
  return n > current.limit ? Number.POSITIVE_INFINITY : current.resetAt - now;
}

/** The counter after `n` is counted at `now`, whether or not it fitted (a request sent counts). */
export function counterTake(counter: WindowCounter, n: number, now: number): WindowCounter {
  const current = rollCounter(counter, now);
  return { ...current, used: current.used + n };
}

/**
 * Corrects a counter by the provider's word: `limit` replaces the limit, `remaining` sets `used`
 * to limit - remaining (less `pending` in flight), and `resetAt` replaces the local reset time.
 */
export function applyCounterObservation(
  counter: WindowCounter,
  observation: Pick<WindowObservation, 'limit' | 'remaining' | 'resetAt'>,
  now: number,
  pending = 0,
): WindowCounter {
  const current = rollCounter(counter, now);
  let { limit, used, resetAt } = current;
  if (
    observation.limit !== undefined &&
    Number.isFinite(observation.limit) &&
    observation.limit >= 0
  )
    limit = observation.limit;
  if (observation.remaining !== undefined && Number.isFinite(observation.remaining))
    used = Math.max(0, limit - observation.remaining) + Math.max(0, pending);
  if (
    observation.resetAt !== undefined &&
    Number.isFinite(observation.resetAt) &&
    observation.resetAt > now
  )
    resetAt = observation.resetAt;
  if (limit === current.limit && used === current.used && resetAt === current.resetAt)
    return current;
  return { ...current, limit, used, resetAt };
}

/** Charges or refunds a counted token estimate once the real usage is known. */
export function correctCounter(
  counter: WindowCounter,
  estimated: number,
  actual: number,
): WindowCounter {
  if (!Number.isFinite(estimated) || !Number.isFinite(actual)) return counter;
  return { ...counter, used: Math.max(0, counter.used + actual - estimated) };
}
