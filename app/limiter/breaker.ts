/**
 * A circuit breaker per target pool: what takes a target out of rotation after server-side
 * failures (5xx, timeouts, broken connections). One failure only moves that request on; the
 * breaker opens on evidence, {@link BREAKER_CONSECUTIVE} failures in a row or an error rate of
 * {@link BREAKER_ERROR_RATE} over at least {@link BREAKER_MIN_SAMPLES} attempts within
 * {@link BREAKER_WINDOW_MS}. Open, it sends no traffic for {@link BREAKER_OPEN_MS} (doubling with
 * each trip in a row, up to {@link BREAKER_MAX_OPEN_MS}); then it is half-open: one request goes
 * through as a probe, a success closes it, a failure opens it again.
 *
 * Pure: state in, state out, time passed in. `undefined` is a closed breaker with nothing to
 * remember, so a healthy target costs nothing.
 */

import type { FailureDecision } from '../ratelimit/classify.ts';

/** Failures in a row that open the breaker. */
export const BREAKER_CONSECUTIVE = 5;
/** The window over which the error rate is measured. */
export const BREAKER_WINDOW_MS = 10_000;
/** Fewest attempts in the window before the error rate is believed. */
export const BREAKER_MIN_SAMPLES = 20;
/** Share of failed attempts in the window that opens the breaker. */
export const BREAKER_ERROR_RATE = 0.5;
/** How long the first trip keeps the target out. */
export const BREAKER_OPEN_MS = 1_000;
/** The longest a target stays out before a probe, however often it tripped. */
export const BREAKER_MAX_OPEN_MS = 30_000;

/** What a breaker remembers. */
export interface BreakerState {
  /** Failures since the last success. */
  consecutive: number;
  /** Start of the current error-rate window, and what it counted. */
  windowStart: number;
  attempts: number;
  failures: number;
  /** Open until this time, then half-open. */
  openUntil?: number;
  /** Times it opened without a success in between (the open time doubles with each). */
  trips: number;
  /** Half-open with a probe out: the others wait for its outcome. */
  probing: boolean;
  /** The failure that opened it, for the plan preview and the request log. */
  reason?: string;
}

/** The breaker as the plan and the gate see it. */
export type BreakerPhase =
  | { phase: 'closed' }
  | { phase: 'open'; until: number; reason: string }
  | { phase: 'half-open'; probing: boolean; reason: string };

/** The phase of most pools, shared (read only): asked on every admission. */
const CLOSED: Readonly<BreakerPhase> = Object.freeze({ phase: 'closed' });

/** Where the breaker stands at `now`. */
export function breakerPhase(breaker: BreakerState | undefined, now: number): BreakerPhase {
  if (breaker?.openUntil === undefined) return CLOSED;
  const reason = breaker.reason ?? 'repeated failures';
  if (breaker.openUntil > now) return { phase: 'open', until: breaker.openUntil, reason };
  return { phase: 'half-open', probing: breaker.probing, reason };
}

function counted(breaker: BreakerState | undefined, now: number): BreakerState {
  if (breaker === undefined || now - breaker.windowStart >= BREAKER_WINDOW_MS) {
    return {
      consecutive: breaker?.consecutive ?? 0,
      windowStart: now,
      attempts: 0,
      failures: 0,
      trips: breaker?.trips ?? 0,
      probing: breaker?.probing ?? false,
      ...(breaker?.openUntil === undefined ? {} : { openUntil: breaker.openUntil }),
      ...(breaker?.reason === undefined ? {} : { reason: breaker.reason }),
    };
  }
  return breaker;
}

function open(breaker: BreakerState, now: number, reason: string): BreakerState {
  const openMs = Math.min(BREAKER_OPEN_MS * 2 ** breaker.trips, BREAKER_MAX_OPEN_MS);
  return {
    ...breaker,
    openUntil: now + openMs,
    trips: breaker.trips + 1,
    probing: false,
    reason,
  };
}

/** A server-side failure of an attempt on this target. */
export function breakerFailure(
  breaker: BreakerState | undefined,
  now: number,
  reason: string,
): BreakerState {
  const wasProbe = breaker?.openUntil !== undefined && breaker.openUntil <= now;
  const base = counted(breaker, now);
  const next: BreakerState = {
    ...base,
    consecutive: base.consecutive + 1,
    attempts: base.attempts + 1,
    failures: base.failures + 1,
  };
  if (wasProbe) return open(next, now, reason);
  if (next.openUntil !== undefined) return next;
  const rateTripped =
    next.attempts >= BREAKER_MIN_SAMPLES && next.failures / next.attempts >= BREAKER_ERROR_RATE;
  return next.consecutive >= BREAKER_CONSECUTIVE || rateTripped ? open(next, now, reason) : next;
}

/**
 * The target answered (any answer that is not a server-side failure): a half-open breaker
 * closes, a closed one counts the attempt towards the error rate.
 */
export function breakerSuccess(
  breaker: BreakerState | undefined,
  now: number,
): BreakerState | undefined {
  if (breaker === undefined) return undefined;
  if (breaker.openUntil !== undefined) return breaker.openUntil <= now ? undefined : breaker;
  if (now - breaker.windowStart >= BREAKER_WINDOW_MS) return undefined;
  return { ...breaker, consecutive: 0, attempts: breaker.attempts + 1 };
}

/** A half-open breaker lets this request through as its probe. */
export function breakerProbe(breaker: BreakerState): BreakerState {
  return { ...breaker, probing: true };
}

/** The probe ended without telling anything (cancelled, lost a race): the next request probes. */
export function breakerProbeDropped(breaker: BreakerState | undefined): BreakerState | undefined {
  return breaker === undefined || !breaker.probing ? breaker : { ...breaker, probing: false };
}

/**
 * What an attempt's end tells the breaker: a server-side failure (`tripsBreaker`) counts against
 * it, any answer from the provider counts for it, and a probe that told nothing (a cancel, a lost
 * race, a bug of ours) hands the probe to the next request.
 */
export function breakerAfterAttempt(
  breaker: BreakerState | undefined,
  wasProbe: boolean,
  outcome: { status: number; failure?: FailureDecision },
  now: number,
): BreakerState | undefined {
  const { failure } = outcome;
  if (failure?.tripsBreaker === true) return breakerFailure(breaker, now, failure.reason);
  const answered =
    outcome.status > 0 && failure?.class !== 'our-bug' && failure?.class !== 'cancelled';
  if (answered) return breakerSuccess(breaker, now);
  return wasProbe ? breakerProbeDropped(breaker) : breaker;
}
