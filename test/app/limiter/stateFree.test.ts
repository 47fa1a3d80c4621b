// The limiter's checks compute waits without building states, and its takes build one object
// where a refilled state and a taken one were made: each must answer as the state-building
// functions do, for any bucket or counter (held or not, in debt, clock stepped back), and leave
// the state it was given unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketWait,
  counterTake,
  counterTryTake,
  counterWait,
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
