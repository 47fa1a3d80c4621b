// The limiter's checks compute waits without building states, and its takes build one object
// where a refilled state and a taken one were made: each must answer as the state-building
// functions do, for any bucket or counter (held or not, in debt, clock stepped back), and leave
// the state it was given unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit } from '../../../app/limiter/limiter.ts';
import { observeHeaders, release } from '../../../app/limiter/outcomes.ts';
import { EMPTY_LIMITER_STATE, type LimiterState } from '../../../app/limiter/state.ts';
import type { WindowObservation } from '../../../app/ratelimit/headers.ts';
import { CEREBRAS, GROQ, headers, target } from './fixtures.ts';
import {
  applyCounterObservation,
  applyObservation,
  bucketWait,
  counterTake,
  counterTryTake,
  counterWait,
  refill,
  rollCounter,
  takeTokens,
  tryTake,
  type BucketState,
  type WindowCounter,
} from '../../../app/limiter/tokenBucket.ts';

const T0 = Date.parse('2026-04-28T15:00:00Z');

const bucketArb: fc.Arbitrary<BucketState> = fc
  .record({
    capacity: fc.integer({ min: 0, max: 1000 }),
    tokens: fc.double({ min: -1000, max: 1000, noNaN: true }),
    windowMs: fc.constantFrom(0, 1000, 60_000),
    updatedAt: fc.integer({ min: -100_000, max: 100_000 }),
    heldUntil: fc.option(fc.integer({ min: -100_000, max: 100_000 }), { nil: undefined }),
  })
  .map(({ capacity, tokens, windowMs, updatedAt, heldUntil }) => {
    const state: BucketState = {
      capacity,
      tokens: Math.min(tokens, capacity),
      refillPerMs: windowMs > 0 ? capacity / windowMs : 0,
      updatedAt: T0 + updatedAt,
    };
    if (heldUntil !== undefined) state.heldUntil = T0 + heldUntil;
    return state;
  });

const counterArb: fc.Arbitrary<WindowCounter> = fc
  .record({
    limit: fc.integer({ min: 0, max: 1000 }),
    used: fc.integer({ min: 0, max: 1200 }),
    resetAt: fc.integer({ min: -100_000, max: 100_000 }),
  })
  .map(({ limit, used, resetAt }) => ({
    limit,
    used,
    resetAt: T0 + resetAt,
    schedule: { time: '00:00', timeZone: 'UTC', kind: 'daily' },
  }));

const nowArb = fc.integer({ min: -100_000, max: 200_000 }).map((at) => T0 + at);
const amountArb = fc.integer({ min: 0, max: 1500 });

describe('waits without states', () => {
  it('bucketWait is the wait tryTake gives', () => {
    fc.assert(
      fc.property(bucketArb, amountArb, nowArb, (bucket, n, now) => {
        expect(bucketWait(bucket, n, now)).toBe(tryTake(bucket, n, now).waitMs);
      }),
      { numRuns: 5000 },
    );
  });

  it('counterWait is the wait counterTryTake gives', () => {
    fc.assert(
      fc.property(counterArb, amountArb, nowArb, (counter, n, now) => {
        expect(counterWait(counter, n, now)).toBe(counterTryTake(counter, n, now).waitMs);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('takes in one object', () => {
  it('takeTokens is what tryTake leaves, counting a take that did not fit as a debt', () => {
    fc.assert(
      fc.property(bucketArb, amountArb, nowArb, (bucket, n, now) => {
        const before = structuredClone(bucket);
        const tried = tryTake(bucket, n, now);
        const expected = tried.ok
          ? tried.state
          : { ...tried.state, tokens: tried.state.tokens - n };
        expect(takeTokens(bucket, n, now)).toStrictEqual(expected);
        expect(bucket).toStrictEqual(before);
      }),
      { numRuns: 5000 },
    );
  });

  it('counterTake is what counterTryTake leaves, counting a take that did not fit', () => {
    fc.assert(
      fc.property(counterArb, amountArb, nowArb, (counter, n, now) => {
        const before = structuredClone(counter);
        const tried = counterTryTake(counter, n, now);
        const expected = tried.ok ? tried.state : { ...tried.state, used: tried.state.used + n };
        expect(counterTake(counter, n, now)).toStrictEqual(expected);
        expect(counter).toStrictEqual(before);
      }),
      { numRuns: 5000 },
    );
  });
});

type Observed = Pick<WindowObservation, 'limit' | 'remaining' | 'resetAt'>;

/** applyObservation as it was written before it built one object: a state per step. */
function stepwiseObservation(
  state: BucketState,
  observation: Observed,
  now: number,
  pending: number,
): BucketState {
  let next = refill(state, now);
  const { limit, remaining, resetAt } = observation;
  if (limit !== undefined && Number.isFinite(limit) && limit >= 0) {
    const refillPerMs =
      next.capacity > 0 ? next.refillPerMs * (limit / next.capacity) : next.refillPerMs;
    next = { ...next, capacity: limit, refillPerMs, tokens: Math.min(next.tokens, limit) };
  }
  if (remaining === undefined || !Number.isFinite(remaining)) return next;
  const { heldUntil: _previousHold, ...unheld } = next;
  const tokens = Math.min(remaining, unheld.capacity) - Math.max(0, pending);
  if (resetAt !== undefined && resetAt > now && remaining < unheld.capacity) {
    return { ...unheld, tokens, updatedAt: now, heldUntil: resetAt };
  }
  return { ...unheld, tokens, updatedAt: now };
}

/** applyCounterObservation as it was written before it built one object. */
function stepwiseCounterObservation(
  counter: WindowCounter,
  observation: Observed,
  now: number,
  pending: number,
): WindowCounter {
  let next = rollCounter(counter, now);
  const { limit, remaining, resetAt } = observation;
  if (limit !== undefined && Number.isFinite(limit) && limit >= 0) next = { ...next, limit };
  if (remaining !== undefined && Number.isFinite(remaining)) {
    next = { ...next, used: Math.max(0, next.limit - remaining) + Math.max(0, pending) };
  }
  if (resetAt !== undefined && Number.isFinite(resetAt) && resetAt > now)
    next = { ...next, resetAt };
  return next;
}

const figureArb = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 1200 }),
    fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY),
  ),
  { nil: undefined },
);
const observedArb: fc.Arbitrary<Observed> = fc
  .record({
    limit: figureArb,
    remaining: figureArb,
    resetAt: fc.option(
      fc.integer({ min: -100_000, max: 200_000 }).map((at) => T0 + at),
      { nil: undefined },
    ),
  })
  .map(({ limit, remaining, resetAt }) => {
    const observed: Observed = {};
    if (limit !== undefined) observed.limit = limit;
    if (remaining !== undefined) observed.remaining = remaining;
    if (resetAt !== undefined) observed.resetAt = resetAt;
    return observed;
  });
const pendingArb = fc.integer({ min: -5, max: 500 });

describe('observations in one object', () => {
  it('applyObservation gives what the step-by-step version gave, and changes nothing given', () => {
    fc.assert(
      fc.property(bucketArb, observedArb, nowArb, pendingArb, (bucket, observed, now, pending) => {
        const before = structuredClone(bucket);
        expect(applyObservation(bucket, observed, now, pending)).toStrictEqual(
          stepwiseObservation(bucket, observed, now, pending),
        );
        expect(bucket).toStrictEqual(before);
      }),
      { numRuns: 5000 },
    );
  });

  it('applyCounterObservation gives what the step-by-step version gave', () => {
    fc.assert(
      fc.property(
        counterArb,
        observedArb,
        nowArb,
        pendingArb,
        (counter, observed, now, pending) => {
          const before = structuredClone(counter);
          expect(applyCounterObservation(counter, observed, now, pending)).toStrictEqual(
            stepwiseCounterObservation(counter, observed, now, pending),
          );
          expect(counter).toStrictEqual(before);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('release reads the headers into the pool it builds', () => {
  const answer = fc.record({
    status: fc.constantFrom(200, 200, 429, 500),
    tokensIn: fc.integer({ min: 0, max: 3000 }),
    tokensOut: fc.integer({ min: 0, max: 3000 }),
    remainingRequests: fc.integer({ min: 0, max: 14_400 }),
    remainingTokens: fc.integer({ min: 0, max: 6000 }),
    resetTokens: fc.constantFrom('7.66s', '1m0s', '0s', 'garbage'),
    headers: fc.boolean(),
    gap: fc.integer({ min: 0, max: 20_000 }),
  });

  it('gives the state a release without headers followed by observeHeaders gave', () => {
    const cases = [
      target(GROQ, 'llama-3.1-8b-instant'),
      target(GROQ, 'unlisted'),
      target(CEREBRAS, 'llama3.1-8b'),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.array(answer, { minLength: 1, maxLength: 30 }),
        (t, answers) => {
          let state: LimiterState = EMPTY_LIMITER_STATE;
          let now = T0;
          for (const a of answers) {
            now += a.gap;
            const admitted = admit(state, t, { inputTokens: 40, outputTokens: 100 }, now);
            if (!admitted.ok) {
              state = admitted.state;
              continue;
            }
            const lookup = headers({
              'x-ratelimit-limit-requests': '14400',
              'x-ratelimit-remaining-requests': String(a.remainingRequests),
              'x-ratelimit-reset-requests': '2m59.56s',
              'x-ratelimit-limit-tokens': '6000',
              'x-ratelimit-remaining-tokens': String(a.remainingTokens),
              'x-ratelimit-reset-tokens': a.resetTokens,
              'x-ratelimit-limit-requests-day': '14400',
              'x-ratelimit-remaining-requests-day': String(a.remainingRequests),
              'x-ratelimit-limit-tokens-minute': '60000',
              'x-ratelimit-remaining-tokens-minute': String(a.remainingTokens),
            });
            const usage = { tokensIn: a.tokensIn, tokensOut: a.tokensOut };
            const before = structuredClone(admitted.state);
            const at = now + 300;
            const fused = release(
              admitted.state,
              t,
              admitted.ticket,
              a.headers
                ? { status: a.status, usage, headers: lookup }
                : { status: a.status, usage },
              at,
            );
            const settled = release(
              admitted.state,
              t,
              admitted.ticket,
              { status: a.status, usage },
              at,
            );
            const stepwise = a.headers ? observeHeaders(settled, t, lookup, at) : settled;
            expect(fused).toStrictEqual(stepwise);
            // The state released from is left as it was: the gate and snapshots rely on it.
            expect(admitted.state).toStrictEqual(before);
            state = fused;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
