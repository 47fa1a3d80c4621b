import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCounterObservation,
  applyObservation,
  bucketWindowMs,
  correctCounter,
  correctTokens,
  counterTryTake,
  createBucket,
  createCounter,
  estimateTokens,
  refill,
  rollCounter,
  tryTake,
  type BucketState,
} from '../../../app/limiter/tokenBucket.ts';

const T0 = Date.parse('2026-04-28T15:00:00Z');

describe('token bucket', () => {
  it('starts full and refills at capacity per window', () => {
    const b = createBucket(30, 60_000, T0);
    expect(b).toEqual({ capacity: 30, tokens: 30, refillPerMs: 30 / 60_000, updatedAt: T0 });
  });

  it('tryTake takes while tokens last, then says how long to wait', () => {
    let b = createBucket(2, 60_000, T0);
    let r = tryTake(b, 1, T0);
    expect(r).toMatchObject({ ok: true, waitMs: 0 });
    b = r.state;
    r = tryTake(b, 1, T0);
    expect(r.ok).toBe(true);
    b = r.state;
    r = tryTake(b, 1, T0);
    // 2 per minute: one token every 30 s.
    expect(r).toMatchObject({ ok: false, waitMs: 30_000 });
    expect(r.state.tokens).toBe(0);
    expect(tryTake(r.state, 1, T0 + 29_999).ok).toBe(false);
    expect(tryTake(r.state, 1, T0 + 30_000).ok).toBe(true);
  });

  it('refill never overfills and ignores a clock that steps back', () => {
    const b: BucketState = { capacity: 10, tokens: 4, refillPerMs: 0.001, updatedAt: T0 };
    expect(refill(b, T0 + 3000).tokens).toBeCloseTo(7);
    expect(refill(b, T0 + 60_000).tokens).toBe(10);
    expect(refill(b, T0 - 5000)).toEqual(b);
  });

  it('a request larger than the capacity never fits: waitMs is Infinity', () => {
    const r = tryTake(createBucket(6000, 60_000, T0), 6294, T0);
    expect(r.ok).toBe(false);
    expect(r.waitMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('a bucket that never refills reports Infinity when empty', () => {
    const b: BucketState = { capacity: 5, tokens: 0, refillPerMs: 0, updatedAt: T0 };
    expect(tryTake(b, 1, T0 + 1e9).waitMs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('applyObservation: headers are the provider truth', () => {
  it('remaining replaces the local count', () => {
    const b = createBucket(60, 60_000, T0);
    const next = applyObservation(b, { remaining: 12 }, T0 + 1000);
    expect(next.tokens).toBe(12);
    expect(next.updatedAt).toBe(T0 + 1000);
    expect(next.heldUntil).toBeUndefined();
  });

  it('limit replaces the capacity and scales the refill rate to the same window', () => {
    const b = createBucket(60, 60_000, T0);
    const next = applyObservation(b, { limit: 30 }, T0);
    expect(next.capacity).toBe(30);
    expect(next.refillPerMs).toBeCloseTo(30 / 60_000);
    expect(next.tokens).toBe(30);
  });

  it('remaining with a reset holds the bucket until the reset, then it is full', () => {
    const b = createBucket(30, 60_000, T0);
    const held = applyObservation(b, { limit: 30, remaining: 0, resetAt: T0 + 20_000 }, T0);
    expect(held.heldUntil).toBe(T0 + 20_000);
    // Local refill would give a token after 2 s; the provider said 20 s.
    const early = tryTake(held, 1, T0 + 2000);
    expect(early).toMatchObject({ ok: false, waitMs: 18_000 });
    const atReset = tryTake(early.state, 30, T0 + 20_000);
    expect(atReset.ok).toBe(true);
    expect(atReset.state.heldUntil).toBeUndefined();
  });

  it('a held bucket still spends what the provider said remains', () => {
    const held = applyObservation(
      createBucket(100, 60_000, T0),
      { remaining: 3, resetAt: T0 + 10_000 },
      T0,
    );
    let state = held;
    for (let i = 0; i < 3; i += 1) {
      const r = tryTake(state, 1, T0 + 1000);
      expect(r.ok).toBe(true);
      state = r.state;
    }
    expect(tryTake(state, 1, T0 + 1000)).toMatchObject({ ok: false, waitMs: 9000 });
  });

  it('a later observation replaces an earlier hold', () => {
    const held = applyObservation(
      createBucket(30, 60_000, T0),
      { remaining: 0, resetAt: T0 + 60_000 },
      T0,
    );
    const freed = applyObservation(held, { remaining: 25 }, T0 + 5000);
    expect(freed.heldUntil).toBeUndefined();
    expect(freed.tokens).toBe(25);
  });

  it('pending in-flight takes are subtracted from the provider figure', () => {
    const next = applyObservation(createBucket(60, 60_000, T0), { remaining: 10 }, T0, 4);
    expect(next.tokens).toBe(6);
  });

  it('a full window with a reset does not hold', () => {
    const next = applyObservation(
      createBucket(60, 60_000, T0),
      { limit: 60, remaining: 60, resetAt: T0 + 1000 },
      T0,
    );
    expect(next.heldUntil).toBeUndefined();
  });

  it('missing fields keep the local values', () => {
    const b: BucketState = { capacity: 60, tokens: 17, refillPerMs: 0.001, updatedAt: T0 };
    expect(applyObservation(b, {}, T0)).toEqual(b);
    expect(applyObservation(b, { resetAt: T0 + 5000 }, T0)).toEqual(b);
  });
});

describe('token estimates and corrections', () => {
  it('estimateTokens: prompt characters / 4, rounded up, plus max_tokens', () => {
    expect(estimateTokens(400)).toBe(100);
    expect(estimateTokens(401)).toBe(101);
    expect(estimateTokens(400, 256)).toBe(356);
    expect(estimateTokens(0)).toBe(0);
    expect(estimateTokens(Number.NaN, Number.NaN)).toBe(0);
    expect(estimateTokens(-5, -5)).toBe(0);
  });

  it('correctTokens refunds an overestimate, up to the capacity', () => {
    const b: BucketState = { capacity: 1000, tokens: 500, refillPerMs: 0, updatedAt: T0 };
    expect(correctTokens(b, 300, 100).tokens).toBe(700);
    expect(correctTokens(b, 900, 0).tokens).toBe(1000);
  });

  it('correctTokens charges an underestimate, possibly into debt that delays the next take', () => {
    const b: BucketState = { capacity: 6000, tokens: 100, refillPerMs: 0.1, updatedAt: T0 };
    const owed = correctTokens(b, 200, 500);
    expect(owed.tokens).toBe(-200);
    expect(tryTake(owed, 100, T0).waitMs).toBe(3000);
  });

  it('correctTokens ignores non-finite figures', () => {
    const b = createBucket(10, 1000, T0);
    expect(correctTokens(b, Number.NaN, 5)).toBe(b);
  });
});

describe('fixed-window counters (daily and monthly quotas)', () => {
  const pacificDaily = { time: '00:00', timeZone: 'America/Los_Angeles', kind: 'daily' as const };

  it('createCounter ends its window at the next reset', () => {
    const c = createCounter(500, pacificDaily, T0);
    expect(c).toMatchObject({ limit: 500, used: 0, resetAt: Date.parse('2026-04-29T07:00:00Z') });
  });

  it('counts until the limit, then waits for the reset', () => {
    let c = createCounter(2, pacificDaily, T0);
    for (let i = 0; i < 2; i += 1) {
      const r = counterTryTake(c, 1, T0);
      expect(r.ok).toBe(true);
      c = r.state;
    }
    const refused = counterTryTake(c, 1, T0);
    expect(refused).toMatchObject({ ok: false, waitMs: Date.parse('2026-04-29T07:00:00Z') - T0 });
    const after = counterTryTake(c, 1, Date.parse('2026-04-29T07:00:00Z'));
    expect(after.ok).toBe(true);
    expect(after.state.used).toBe(1);
    expect(after.state.resetAt).toBe(Date.parse('2026-04-30T07:00:00Z'));
  });

  it('more than the limit in one take never fits', () => {
    expect(counterTryTake(createCounter(10, pacificDaily, T0), 11, T0).waitMs).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('rollCounter leaves a live window alone', () => {
    const c = createCounter(10, pacificDaily, T0);
    expect(rollCounter(c, T0 + 1000)).toBe(c);
  });

  it('monthly counters roll on the 1st', () => {
    const c = createCounter(1_000_000_000, { time: '00:00', timeZone: 'UTC', kind: 'monthly' }, T0);
    expect(c.resetAt).toBe(Date.parse('2026-05-01T00:00:00Z'));
    expect(rollCounter({ ...c, used: 5 }, c.resetAt)).toMatchObject({
      used: 0,
      resetAt: Date.parse('2026-06-01T00:00:00Z'),
    });
  });

  it('applyCounterObservation takes limit, remaining and reset from the provider', () => {
    const c = createCounter(1000, pacificDaily, T0);
    const reset = T0 + 3_600_000;
    const next = applyCounterObservation(
      c,
      { limit: 14400, remaining: 14370, resetAt: reset },
      T0,
      2,
    );
    expect(next).toMatchObject({ limit: 14400, used: 32, resetAt: reset });
  });

  it('correctCounter charges or refunds a token estimate, never below zero', () => {
    const c = { ...createCounter(100_000, pacificDaily, T0), used: 1000 };
    expect(correctCounter(c, 300, 500).used).toBe(1200);
    expect(correctCounter(c, 5000, 0).used).toBe(0);
  });
});

describe('bucketWindowMs', () => {
  it('per-second, per-minute and per-hour windows are buckets; daily and monthly are counters', () => {
    expect(bucketWindowMs('rps')).toBe(1000);
    expect(bucketWindowMs('tps')).toBe(1000);
    expect(bucketWindowMs('rpm')).toBe(60_000);
    expect(bucketWindowMs('itpm')).toBe(60_000);
    expect(bucketWindowMs('rph')).toBe(3_600_000);
    expect(bucketWindowMs('rpd')).toBeUndefined();
    expect(bucketWindowMs('tpmonth')).toBeUndefined();
  });
});

describe('bucket properties', () => {
  it('tokens never exceed capacity and a refused take names a wait after which it succeeds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1000, max: 3_600_000 }),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1, max: 5000 })),
          {
            maxLength: 30,
          },
        ),
        (capacity, windowMs, steps) => {
          let state = createBucket(capacity, windowMs, T0);
          let now = T0;
          for (const [dt, n] of steps) {
            now += dt;
            const r = tryTake(state, n, now);
            expect(r.state.tokens).toBeLessThanOrEqual(capacity);
            if (!r.ok && Number.isFinite(r.waitMs)) {
              expect(tryTake(r.state, n, now + r.waitMs).ok).toBe(true);
            }
            if (!r.ok && n <= capacity) expect(Number.isFinite(r.waitMs)).toBe(true);
            state = r.state;
          }
        },
      ),
    );
  });
});
